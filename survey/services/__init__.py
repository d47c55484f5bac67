"""Use cases as plain functions: a database session passed in, named exceptions out.

Services never import flask: the view passes in what they need (settings,
posted fields) and turns their exceptions into words for people.
"""
