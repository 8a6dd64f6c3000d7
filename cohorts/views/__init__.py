"""Views of the cohorts app, one module per section of the product. Reads go through
``cohorts.selectors`` (outsiders get 404), writes through ``cohorts.services`` (refusals become
a message, never a 500); what every view shares is in ``common``."""
