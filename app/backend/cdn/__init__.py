"""The CDN tiers: origin, regional hub and edges with disk caches (Qt-free, each tier its own process).

Entry points: :func:`.edge.build_app` / :func:`.edge.run_edge`, :func:`.origin.build_app` /
:func:`.origin.run_origin`, :class:`.supervisor.CdnSupervisor` (a whole local CDN),
:mod:`.signing` (playback URLs), :func:`.steering.rank_edges`, and the command line
``python -m app.backend.cdn origin|hub|edge ...`` (see ``--help``).
"""
