"""Talking to Spotify: OAuth (PKCE), tokens, the Web API client, budget and breaker."""
