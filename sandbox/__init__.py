"""A Lightfield-compatible API sandbox: the dashboard's embedded default backend and test double.

It has no dependency on Django or the dashboard; embed it with
`httpx.WSGITransport(app=make_app(SandboxConfig(...)))` or run it standalone with
`python -m sandbox --port 8001`. The HighLevel flavour lives in `sandbox.highlevel`
(`python -m sandbox --api highlevel`).
"""

from sandbox.app import SandboxApp, make_app
from sandbox.config import SandboxConfig

__all__ = ["SandboxApp", "SandboxConfig", "make_app"]
