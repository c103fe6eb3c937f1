"""The portal: server-rendered pages for the people who work with the chain.

A backend for frontend: it holds no data of its own and calls the other services'
HTTP APIs server-side with the logged-in organisation's bearer token, so every
service still decides for itself what that organisation may see.
"""
