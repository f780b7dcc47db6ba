"""The HTTP groundwork every blueprint stands on: who may see what (``guard``: the one page
guard, :func:`~server.webbase.guard.requires`, and the running office of a request), passwords
and signed-in sessions (``auth``), the JSON body and its typed fields (``body``), the rate
limits of sign-in, number taking and enrolment (``limits``), the host check and proxy settings
(``proxy``) and the helpers of the OpenAPI description (``openapi``). It registers no route.

May import: core, server."""
