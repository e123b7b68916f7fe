"""Writing one generated page: the one home for how a page's file, page_name and url follow from its address."""

from __future__ import annotations


def write_page(generator, writer, url: str, template: str, **values) -> None:
    """The page at ``url`` (a folder address such as "data/spend/", no leading slash) as ``<url>index.html``,
    rendered from the generator's ``template`` with its context, ``values``, and the page_name and url Pelican's
    own pages carry."""
    writer.write_file(
        f"{url}index.html",
        generator.get_template(template),
        generator.context,
        **values,
        page_name=f"{url}index",
        url=url,
    )
