"""What wmdsl runs inside continuous integration, beside ``wmdsl check`` itself.

:mod:`wmdsl.ci.github` posts the semantic diff of a pull request as one
comment (the GitHub Action in ``action.yml`` runs it).
"""
