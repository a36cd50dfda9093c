"""The home page: shared rows per audience, personal rows per profile, served as cached bytes."""
