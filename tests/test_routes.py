"""Links between pages: pages with the same link origin get the same relative link (the anchors they share)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from litatlas.site import routes

SEGMENT = st.sampled_from(["papers", "browse", "topics", "a", "b", "index"])
PAGE = st.lists(SEGMENT, min_size=1, max_size=4).map(lambda parts: "/".join(parts) + ".md")


@given(PAGE, PAGE, PAGE, st.booleans())
def test_pages_with_the_same_origin_link_a_target_alike(one: str, other: str, target: str, directory_urls: bool) -> None:
    if routes.link_origin(one, target, directory_urls) == routes.link_origin(other, target, directory_urls):
        assert routes.href(one, target, directory_urls) == routes.href(other, target, directory_urls)


def test_every_paper_page_has_one_origin_for_browse_pages() -> None:
    target = "browse/cancer-types/breast.md"
    origins = {routes.link_origin(routes.paper(record_id), target) for record_id in ("a-2001-x", "b-2020-y", "c-1999-z")}
    assert origins == {2}
    assert routes.href(routes.paper("a-2001-x"), target) == "../../browse/cancer-types/breast/"
    assert routes.link_origin("browse/cancer-types/lung.md", target) == "browse/cancer-types/lung"
