"""OWL ontology, SKOS schemes and SHACL shapes of peelkg (installed as kg.resources.ontology)."""
