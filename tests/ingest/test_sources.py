"""Reading articles: formats, metadata, validation, boilerplate stripping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.reading.sources import ArticleRejected, article_from_text, read_article, strip_boilerplate, validate_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NOTE = "DynamoDB API errors rose in us-east-1. Engineers are investigating."


def test_short_english_note_is_accepted_and_titled_by_its_first_line():
    article = article_from_text(NOTE)
    assert article.text == NOTE
    assert article.title == NOTE


def test_empty_text_is_rejected():
    with pytest.raises(ArticleRejected) as err:
        article_from_text(" \n\t ")
    assert err.value.reason == "empty"


def test_too_large_is_rejected_with_the_limit_named():
    with pytest.raises(ArticleRejected) as err:
        article_from_text(NOTE * 10, max_chars=100)
    assert (err.value.reason, err.value.limit) == ("too_large", 100)
    assert "limit of 100" in str(err.value)


def test_invalid_utf8_reports_the_offset_of_the_first_bad_byte():
    with pytest.raises(ArticleRejected) as err:
        article_from_text(b"EC2 failed \xff here")
    assert (err.value.reason, err.value.offset) == ("not_utf8", 11)


def test_utf8_bom_is_dropped():
    assert article_from_text(("\ufeff" + NOTE).encode()).text == NOTE


def test_nul_bytes_are_binary():
    with pytest.raises(ArticleRejected) as err:
        article_from_text(b"PK\x03\x04\x00\x00 zip")
    assert err.value.reason == "binary"


@pytest.mark.parametrize("text", [
    ("Der Ausfall begann am Montag um 8 Uhr, als die DNS-Einträge von DynamoDB gelöscht wurden. "
    "Die Ingenieure haben das Problem nach drei Stunden behoben."),
    ("La panne a commencé lundi à 8 heures, lorsque les enregistrements DNS de DynamoDB ont été supprimés. "
    "Les ingénieurs ont résolu le problème après trois heures."),
    ("La interrupción comenzó el lunes a las 8, cuando se eliminaron los registros DNS de DynamoDB. "
    "Los ingenieros resolvieron el problema después de tres horas."),
    "周一上午，亚马逊云服务在美国东部一区发生大规模故障，DynamoDB 的 DNS 记录被清空，导致许多网站和应用无法访问。",
], ids=["german", "french", "spanish", "chinese"])
def test_non_english_paragraph_is_rejected(text):
    with pytest.raises(ArticleRejected) as err:
        article_from_text(text)
    assert err.value.reason == "not_english"


def test_short_chinese_sentence_is_rejected():
    with pytest.raises(ArticleRejected) as err:
        article_from_text("服务中断了。")
    assert err.value.reason == "not_english"


def test_telegraphic_english_status_note_is_accepted():
    assert article_from_text("EC2 launches failing in us-east-1 since 07:10 UTC. Mitigation underway.").title


def test_source_url_is_stored_with_its_host_as_outlet():
    article = article_from_text(NOTE, source="https://www.example.com/aws-outage", published="October 23, 2025")
    assert (article.url, article.outlet, article.published) == ("https://www.example.com/aws-outage",
                                                                "example.com", "2025-10-23")


def test_source_name_is_the_outlet():
    article = article_from_text(NOTE, source="Ars Technica", published="2025-10")
    assert (article.url, article.outlet, article.published) == (None, "Ars Technica", "2025-10")


def test_resaved_copy_with_crlf_and_trailing_spaces_hashes_the_same():
    unix = "EC2 failed in us-east-1.\nEngineers are investigating the cause.\n"
    windows = "EC2 failed in us-east-1.  \r\nEngineers are investigating the cause.\t\r\n\r\n"
    assert article_from_text(unix).content_hash == article_from_text(windows).content_hash
    assert article_from_text(unix).content_hash != article_from_text(unix.replace("EC2", "ECS")).content_hash


def test_newsletter_footer_and_its_teasers_are_stripped():
    text = ("The root cause was a race condition in DynamoDB.\n\nIt was not DNS after all.\n\n"
            "You can read the full post mortem here.\n\nCloud Weekly\n\n"
            "Join 3K readers and level up your cloud game.\n\nRead more from Cloud Weekly\n\n"
            "Lambda is great for polling. Here is how to poll with Lambda.\n\nStep Functions tips.")
    cleaned, removed = strip_boilerplate(text)
    assert cleaned == ("The root cause was a race condition in DynamoDB.\n\nIt was not DNS after all.\n\n"
                       "You can read the full post mortem here.")
    assert removed == ["Join 3K readers and level up your cloud game.", "Cloud Weekly", "Read more from Cloud Weekly",
                       "Lambda is great for polling. Here is how to poll with Lambda.", "Step Functions tips."]


def test_image_debris_source_link_and_further_reading_lines_go():
    cleaned, removed = strip_boilerplate("EC2 failed.\nvideo preview\nEC2 recovered.\nFurther reading: Other news\n"
                                         "Source link\n.png)")
    assert cleaned == "EC2 failed.\nEC2 recovered."
    assert removed == ["video preview", "Further reading: Other news", "Source link", ".png)"]


def test_subscribe_sentence_is_cut_from_an_intro_paragraph_that_stays():
    cleaned, removed = strip_boilerplate("Hi, this is Ann with a free issue. To get this weekly, subscribe here.\n"
                                         "EC2 failed.")
    assert cleaned == "Hi, this is Ann with a free issue.\nEC2 failed."
    assert removed == ["To get this weekly, subscribe here."]


def test_seed_001_loses_its_promo_block_and_lambda_teasers():
    article = read_article(SEEDS / "001_c8b06d4e8d8e7398.txt")
    assert article.text.endswith("You can read the full post mortem here, it's quite long but worth a read.")
    assert "Durable Functions" not in article.text and "video preview" not in article.text
    assert (article.title, article.outlet, article.published) == ("It wasn't DNS after all",
                                                                  "Master Serverless (newsletter)", "2025-10")


def test_seed_003_keeps_its_intro_but_not_the_subscribe_sentence():
    article = read_article(SEEDS / "003_a988e0a173968254.txt")
    assert article.text.startswith("Hi, this is Gergely with a bonus, free issue of the Pragmatic Engineer Newsletter.")
    assert "subscribe here" not in article.text and not article.text.endswith(".png)")
    assert article.published == "2025-10-23"


def test_txt_without_metadata_takes_first_short_line_as_title(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("EC2 outage report\n\nEC2 failed in us-east-1 because DynamoDB was down for an hour.\n")
    article = read_article(path)
    assert (article.title, article.name, article.format, article.published) == ("EC2 outage report", "note.txt",
                                                                                "txt", None)


def test_html_article_text_and_metadata(tmp_path):
    path = tmp_path / "a.html"
    path.write_text(
        '<html><head><title>AWS outage explained</title><link rel="canonical" href="https://ex.com/aws">'
        '<meta property="article:published_time" content="2025-10-23T08:00:00Z"><style>p{}</style></head>'
        "<body><nav>Home | News</nav><h1>AWS outage</h1><p>The root cause was a race condition.</p>"
        "<p>DNS was only the first symptom.</p><script>track()</script><footer>© Ex</footer></body></html>")
    article = read_article(path)
    assert article.text == "AWS outage\n\nThe root cause was a race condition.\n\nDNS was only the first symptom."
    assert (article.title, article.url, article.published, article.format) == (
        "AWS outage explained", "https://ex.com/aws", "2025-10-23", "html")


def test_markdown_article_is_plain_text(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# AWS outage\n\nThe **root cause** was [a race](https://x.y) in `DNS`.\n\n"
                    "* EC2 failed\n* Lambda failed\n\n![diagram](d.png)\n")
    article = read_article(path)
    assert article.text == "AWS outage\n\nThe root cause was a race in DNS.\n\n- EC2 failed\n- Lambda failed"
    assert article.title == "AWS outage"


def test_json_article_and_sibling_meta_file(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"body": NOTE, "title": "Status", "date": "2025-10-20", "site": "Status page"}))
    (tmp_path / "b.meta.json").write_text(json.dumps({"url": "https://status.example.com/1"}))
    article = read_article(path)
    assert (article.text, article.title, article.published, article.outlet, article.url) == (
        NOTE, "Status", "2025-10-20", "Status page", "https://status.example.com/1")


def test_a_nul_character_anywhere_in_the_text_is_rejected_as_binary_with_its_offset():
    text = "DynamoDB went down because of a race condition. " * 400 + "\x00 tail"
    with pytest.raises(ArticleRejected) as caught:
        validate_text(text)
    assert caught.value.reason == "binary"
    assert caught.value.offset == text.index("\x00")


def test_nul_in_a_title_or_source_is_refused_before_anything_is_stored():
    with pytest.raises(ArticleRejected) as err:
        article_from_text("DynamoDB failed in us-east-1 and EC2 launches failed.", title="Outage\x00report")
    assert err.value.reason == "binary" and "title" in str(err.value)


def test_a_thread_post_number_is_no_word_of_the_post():
    assert strip_boilerplate("2/5 the provider rotated its key\n3/5 so logins failed")[0] == \
        "the provider rotated its key\nso logins failed"
    assert strip_boilerplate("10/20 3:11 AM PDT We are investigating")[0] == "10/20 3:11 AM PDT We are investigating"
    assert strip_boilerplate("3/4 of the servers failed")[0] == "3/4 of the servers failed"


def test_markdown_pasted_as_plain_text_reads_as_its_text():
    article = article_from_text("# Postmortem: search latency\n\n**Status:** Complete\n\n## Root causes\n"
                                "A new ranking model was rolled out to all search nodes at once.\n")
    assert article.format == "md" and article.title == "Postmortem: search latency"
    assert "#" not in article.text and "**" not in article.text and "Root causes\n" in article.text


def test_a_hashtag_thread_stays_plain_text():
    article = article_from_text("1/ #AWS outage today: lots of sites down because DNS failed.\n2/ More soon.")
    assert article.format == "txt" and "#AWS" in article.text
