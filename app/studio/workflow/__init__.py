"""The studio's durable encoding workflow on Temporal (flow 1 of the design, from probe to publish).

``model`` holds what crosses the workflow boundary, ``workflow`` the orchestration, ``activities`` the
steps, ``progress`` how jobs report, ``worker`` and ``engine`` how the backend runs it all, and
``temporal_server`` the embedded mode's local Temporal. Importing this package imports none of them.
"""
