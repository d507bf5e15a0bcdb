"""Hostile values in addresses: object ids of any size (past 64 bits too) and share tokens."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import quote

from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hostile import SignedInTestCase, hostile


class AddressTest(SignedInTestCase):
    """Ids and tokens in the address, asked for by a signed-in person (or anyone)."""

    @settings(max_examples=25, deadline=None)
    @given(pk=st.one_of(st.integers(min_value=0), st.sampled_from([2**63, 10**30])))
    def test_ids_in_addresses(self, pk: int) -> None:
        for name in ("episode_detail", "episode_edit", "episode_timer", "medication_edit"):
            response = self.client.get(reverse(name, args=[pk]))
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, 404), name
        for name in ("episode_stop", "episode_delete", "medication_delete", "share_revoke"):
            response = self.client.post(reverse(name, args=[pk]), {"intensity": "5"})
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, 404), name

    @settings(max_examples=25, deadline=None)
    @given(token=st.one_of(hostile, st.text(min_size=1)))
    def test_share_tokens(self, token: str) -> None:
        path = quote(token, safe="")
        for url in (f"/s/{path}/", f"/s/{path}/pdf/"):
            assert Client().get(url).status_code == HTTPStatus.NOT_FOUND, url
