"""The Ed-Fi ODS/API surface (ODS/API 7.x conventions, Data Standard 5).

Modules, pure ones first (they import neither FastAPI nor SQLAlchemy):

* ``specdocs``: the bundled DS 5.0 OpenAPI documents (``spec/``, built by ``spec_build``).
* ``registry``: every resource and descriptor of those documents: schema, natural key,
  references, descriptor-valued properties, query parameters (``flatten`` names them).
* ``dependencies``: the load order computed from references.
* ``validation``: request bodies checked against the schemas (compiled with fastjsonschema).
* ``extract``: natural key, references and descriptor values of a document.
* ``descriptors``: descriptor URIs and the bundled DS 5.2 descriptor values.
* ``problems`` / ``errors``: v7 problem details and the Ed-Fi branch of the ``HubError`` tree.
* ``documents`` (SQL): the document store (``models/edfi.py``); ``reader``: the one read path,
  which records disclosures; ``authorization``: the education-organization seam.
* ``service``: POST/PUT/DELETE/GET logic; ``seed``: descriptors and school years.
* ``endpoints*``: thin HTTP layers (discovery and metadata, token, resources, change queries).
"""
