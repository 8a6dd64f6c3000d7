"""Matrix rows of the trophies app. TEMPORARY on the documents branch: when merging, add the
documents' rows to the jury's ROWS and call document_matrix.build(world) from its build()."""

from tests.trophies.document_matrix import ROWS, build  # noqa: F401
