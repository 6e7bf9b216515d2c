"""Report text to :class:`kg.model.Report`: the lines of a page, grades in prose, the parsers of each PEEL
generation, and the checks on input text.
"""
