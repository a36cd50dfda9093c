"""HLS and DASH manifests for one set of CMAF segments (see :mod:`app.studio.media.package`)."""
