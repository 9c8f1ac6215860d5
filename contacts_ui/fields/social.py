"""The social services a SOCIAL_HANDLE field may name, defined once for display and forms.

Profile URLs follow the CRM's write format (LIGHTFIELD.md §5): ``https://x.com/u``,
``https://linkedin.com/in/slug``, ``https://facebook.com/u``, ``https://www.instagram.com/u``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SocialService:
    """One service: its name for people, where its profiles live, and which hosts are its."""

    name: str
    profile_base: str
    hosts: tuple[str, ...]

    def profile_url(self, handle: str) -> str:
        """Return the profile URL of an (already cleaned) handle."""
        return f"{self.profile_base}{handle}"


SERVICES: dict[str, SocialService] = {
    "TWITTER": SocialService("X (Twitter)", "https://x.com/", ("x.com", "twitter.com")),
    "LINKEDIN": SocialService("LinkedIn", "https://linkedin.com/in/", ("linkedin.com",)),
    "FACEBOOK": SocialService("Facebook", "https://facebook.com/", ("facebook.com", "fb.com")),
    "INSTAGRAM": SocialService("Instagram", "https://www.instagram.com/", ("instagram.com",)),
}
