"""Models of the documents (diplomas, trophy certificates, attestations): issue #7."""
