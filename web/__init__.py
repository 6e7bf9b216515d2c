"""peelkg's web layer: the Flask app that serves a release to people and programs.

``app`` (the factory) and ``settings`` at the top, with ``context``, ``errors``, ``serve`` and ``cli``;
``http/`` holds what applies to every surface, ``views/`` one blueprint per surface, ``present/`` the data
pages show (built from the domain layer, ``kg``), ``templates/`` and ``static/`` the markup and assets.
"""
