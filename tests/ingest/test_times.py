"""Time expressions -> UTC: zones, narrative dates, midnight roll-over, years, pairs, durations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ingest.timing.times import TimeContext, declared_zone, extract_times

SEED_000 = ("The disruption began at 11:48 PM PDT on October 19, 2023 (7:48 AM UTC on October 20). "
            "DynamoDB began recovering at 2:25 AM PDT (9:25 AM UTC). Manual oversight lasted until "
            "5:28 AM PDT (12:28 PM UTC).")
SEED_003 = ("Monday was an interesting day. The cause was a 14-hour-long AWS outage. Updates were slow on "
            "20 October. The DynamoDB outage lasted around 3 hours. It took engineers 3 more hours to mitigate. "
            "Network propagation errors took another 5 hours to fix. By 10:36 AM PT [11 hours after the start "
            "of the outage], propagation was normal. At 11:23 AM PDT [12 hours after the outage started] "
            "engineers relaxed throttles. At 1:50 PM [14 hours after the outage started], all EC2 APIs worked.")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def clock_instants(text: str, published: str) -> list[datetime]:
    return [e.utc for e in extract_times(text, TimeContext(published=published)) if e.kind == "clock"]


def by_raw(text: str, ctx: TimeContext) -> dict:
    return {t.raw: t for t in extract_times(text, ctx)}


def test_text_without_times_gives_nothing():
    assert extract_times("The root cause was a race condition in the DNS management system.", TimeContext()) == []


def test_pdt_clock_with_date_and_published_year_is_utc_next_day():
    found = by_raw("It began at 11:48 PM PDT on October 19.", TimeContext(published="2025-10"))
    expr = found["11:48 PM PDT on October 19"]
    assert (expr.utc, expr.local, expr.explicit_year, expr.kind) == (
        utc(2025, 10, 20, 6, 48), "2025-10-19T23:48 PDT", None, "clock")


def test_explicit_year_wins_over_published_and_is_recorded():
    found = by_raw(SEED_000, TimeContext(published="2025-10"))
    expr = found["11:48 PM PDT on October 19, 2023"]
    assert (expr.utc, expr.explicit_year) == (utc(2023, 10, 20, 6, 48), 2023)


def test_parenthesised_utc_is_its_own_expression_paired_with_the_local_one():
    found = by_raw(SEED_000, TimeContext(published="2025-10"))
    local, stated = found["11:48 PM PDT on October 19, 2023"], found["7:48 AM UTC on October 20"]
    assert (stated.utc, stated.pair_of) == (utc(2023, 10, 20, 7, 48), local.start)
    assert local.paired_utc == utc(2023, 10, 20, 7, 48)  # one hour off the computed 06:48: detectable


def test_a_zoneless_clock_in_brackets_restates_the_one_before_in_a_zone_named_by_a_place():
    text = "On July 20, 2016 the site was down from 14:44 UTC (10:44 a.m. on the US East Coast) until 15:18 UTC."
    found = by_raw(text, TimeContext(published="2016-07"))
    first, restated = found["14:44 UTC"], found["10:44 a.m."]
    assert (restated.utc, restated.pair_of) == (None, first.start)  # no moment of its own on the timeline
    assert found["15:18 UTC"].utc == utc(2016, 7, 20, 15, 18)  # and the narrative goes on from 14:44


def test_a_city_or_country_names_the_zone_of_a_clock():
    found = by_raw("On July 25, 2024 the exchange halted at 8:40 a.m. Tokyo time and resumed at 10 am local time "
                   "in Tokyo. Singapore saw errors from 9:15 a.m. Singapore time; in India at 07:30 India time.",
                   TimeContext(published="2024-07-25"))
    assert found["8:40 a.m. Tokyo time"].utc == utc(2024, 7, 24, 23, 40)
    assert found["10 am local time in Tokyo"].utc == utc(2024, 7, 25, 1, 0)
    assert found["9:15 a.m. Singapore time"].utc == utc(2024, 7, 25, 1, 15)
    assert found["07:30 India time"].utc == utc(2024, 7, 25, 2, 0)
    assert found["8:40 a.m. Tokyo time"].local == "2024-07-25T08:40 JST"


def test_a_restatement_in_a_zone_named_by_a_city_is_checked_like_an_abbreviation():
    text = "On July 20, 2016 the site was down from 14:44 UTC (10:44 a.m. in New York) until 15:18 UTC."
    found = by_raw(text, TimeContext(published="2016-07"))
    first, restated = found["14:44 UTC"], found["10:44 a.m. in New York"]
    assert (restated.utc, restated.pair_of) == (first.utc, first.start)
    assert found["15:18 UTC"].utc == utc(2016, 7, 20, 15, 18)


def test_times_without_date_roll_over_midnight_in_narrative_order():
    found = by_raw(SEED_000, TimeContext(published="2025-10"))
    assert [found[r].utc for r in ("2:25 AM PDT", "9:25 AM UTC", "5:28 AM PDT", "12:28 PM UTC")] == [
        utc(2023, 10, 20, 9, 25), utc(2023, 10, 20, 9, 25), utc(2023, 10, 20, 12, 28), utc(2023, 10, 20, 12, 28)]
    assert found["2:25 AM PDT"].paired_utc == utc(2023, 10, 20, 9, 25)


def test_incident_year_replaces_a_wrong_written_year_but_keeps_it_recorded():
    found = by_raw(SEED_000, TimeContext(published="2025-10", incident_year=2025))
    expr = found["11:48 PM PDT on October 19, 2023"]
    assert (expr.utc, expr.explicit_year) == (utc(2025, 10, 20, 6, 48), 2023)
    assert found["5:28 AM PDT"].utc == utc(2025, 10, 20, 12, 28)


def test_seed_003_clock_times_anchor_to_the_written_date_and_learnt_zone():
    found = by_raw(SEED_003, TimeContext(published="2025-10-23"))
    assert found["20 October"].utc == utc(2025, 10, 20)
    assert found["10:36 AM PT"].utc == utc(2025, 10, 20, 17, 36)
    assert found["11:23 AM PDT"].utc == utc(2025, 10, 20, 18, 23)
    assert (found["1:50 PM"].utc, found["1:50 PM"].local) == (utc(2025, 10, 20, 20, 50), "2025-10-20T13:50 PDT")


def test_bare_weekday_is_the_most_recent_one_before_publication():
    expr = by_raw(SEED_003, TimeContext(published="2025-10-23"))["Monday"]
    assert (expr.utc, expr.relative, expr.weekday, expr.precision) == (utc(2025, 10, 20), True, 0, "day")


def test_without_published_date_the_weekday_picks_the_year():
    found = by_raw("Monday was bad. It was slow on 20 October.", TimeContext(today=date(2026, 11, 23)))
    assert found["20 October"].utc == utc(2025, 10, 20)
    assert found["Monday"].utc == utc(2025, 10, 20)


def test_durations_in_minutes():
    found = by_raw(SEED_003, TimeContext(published="2025-10-23"))
    got = {raw: (t.kind, t.minutes, t.approximate) for raw, t in found.items() if t.kind == "duration"}
    assert got == {"14-hour-long": ("duration", 840, False), "around 3 hours": ("duration", 180, True),
                   "3 more hours": ("duration", 180, False), "another 5 hours": ("duration", 300, False)}


def test_hours_and_minutes_duration():
    (expr,) = extract_times("Recovery took 2 h 37 min.", TimeContext())
    assert (expr.kind, expr.minutes, expr.precision) == ("duration", 157, "minute")


def test_offsets_from_the_incident_start():
    start = utc(2025, 10, 20, 6, 48)
    found = by_raw(SEED_003, TimeContext(published="2025-10-23", incident_start=start))
    expr = found["11 hours after the start of the outage"]
    assert (expr.kind, expr.minutes, expr.relative, expr.utc) == ("offset", 660, True, utc(2025, 10, 20, 17, 48))
    assert found["14 hours after the outage started"].utc == utc(2025, 10, 20, 20, 48)


def test_offset_later_counts_from_the_previous_time():
    found = by_raw("EC2 failed at 14:00 UTC on 3 March 2024. An hour later it recovered.", TimeContext())
    assert found["An hour later"].utc == utc(2024, 3, 3, 15, 0)


def test_ist_times_cross_midnight_into_a_new_month():
    text = "The outage began at 23:30 IST on 31 March 2024. Payments recovered at 01:15 IST, cards at 2:05 AM."
    got = [(t.raw, t.utc) for t in extract_times(text, TimeContext())]
    assert got == [("23:30 IST on 31 March 2024", utc(2024, 3, 31, 18, 0)), ("01:15 IST", utc(2024, 3, 31, 19, 45)),
                   ("2:05 AM", utc(2024, 3, 31, 20, 35))]


def test_cet_times_and_a_later_date():
    text = "At 10:00 CET on January 31, 2024 the API failed. It returned at 14:30 CET. On February 1 at 9:00 it failed."
    got = [(t.raw, t.utc) for t in extract_times(text, TimeContext())]
    assert got == [("10:00 CET on January 31, 2024", utc(2024, 1, 31, 9, 0)), ("14:30 CET", utc(2024, 1, 31, 13, 30)),
                   ("February 1", utc(2024, 2, 1)), ("9:00", utc(2024, 2, 1, 8, 0))]


def test_generic_pt_follows_daylight_saving_but_pdt_is_fixed():
    winter = by_raw("It failed at 9:00 AM PT on January 15, 2025 and at 9:00 AM PDT on January 16, 2025.",
                    TimeContext())
    assert winter["9:00 AM PT on January 15, 2025"].utc == utc(2025, 1, 15, 17, 0)
    assert winter["9:00 AM PDT on January 16, 2025"].utc == utc(2025, 1, 16, 16, 0)


def test_clock_without_zone_or_date_stays_unresolved():
    (expr,) = extract_times("Engineers restarted it at 3:15 PM.", TimeContext())
    assert (expr.utc, expr.local) == (None, "15:15")


def test_iso_timestamp():
    (expr,) = extract_times("Logged at 2025-10-20T06:48:00Z by the monitor.", TimeContext())
    assert (expr.kind, expr.utc) == ("clock", utc(2025, 10, 20, 6, 48))


def test_lower_case_may_is_not_a_month():
    assert extract_times("Customers may 2 times retry.", TimeContext()) == []


def test_date_range_gives_both_days_in_the_written_year():
    found = [(t.raw, t.utc) for t in extract_times("Checkout failed on March 3 and 4, 2026 for most users.", TimeContext())]
    assert found == [("March 3 and 4, 2026", utc(2026, 3, 3)), ("March 3 and 4, 2026", utc(2026, 3, 4))]


def test_clock_between_two_dated_times_keeps_each_date():
    found = {t.raw: t.utc for t in extract_times(
        "The outage ran between 9:10 PM UTC on March 3, 2026 and 1:25 AM UTC on March 4, 2026.", TimeContext())}
    assert list(found.values()) == [utc(2026, 3, 3, 21, 10), utc(2026, 3, 4, 1, 25)]


def test_timeline_list_items_with_a_colon_after_the_clock():
    text = "All times UTC on 21 October 2018.\n- 22:54: paging starts\n- 23:19: webhooks paused\n- 00:05: plan set"
    assert [t.utc for t in extract_times(text, TimeContext(default_tz="UTC")) if t.kind == "clock"] == [
        utc(2018, 10, 21, 22, 54), utc(2018, 10, 21, 23, 19), utc(2018, 10, 22, 0, 5)]


def test_an_earlier_afternoon_time_told_later_stays_on_the_same_day():
    """Only evening -> morning is a new day; "by 14:09 it was over; it began at 13:42" is told out of order."""
    text = "On 2 July 2019 traffic was normal by 14:09 UTC. The rule had shipped at 13:42 UTC."
    assert [t.utc for t in extract_times(text, TimeContext()) if t.kind == "clock"] == [
        utc(2019, 7, 2, 14, 9), utc(2019, 7, 2, 13, 42)]


def test_zone_names_as_prose_writes_them():
    text = "On Feb. 28, 2017 the errors began at 9:37 a.m. Pacific time and ended at 1:54 p.m. Eastern."
    assert [t.utc for t in extract_times(text, TimeContext()) if t.kind == "clock"] == [
        utc(2017, 2, 28, 17, 37), utc(2017, 2, 28, 18, 54)]


def test_first_clock_of_a_range_takes_the_zone_written_after_the_second():
    text = "On 14 December 2020, from 03:46 to 04:33 Pacific (11:46 to 12:33 UTC), sign-in failed."
    clocks = [t for t in extract_times(text, TimeContext()) if t.kind == "clock"]
    assert [t.utc for t in clocks if t.pair_of is None] == [
        utc(2020, 12, 14, 11, 46), utc(2020, 12, 14, 12, 33), utc(2020, 12, 14, 12, 33)]


def test_iso_times_with_a_zone_military_times_and_midnight():
    found = [t.utc for t in extract_times("2023-04-25 20:51 PDT: water found. Power failed at 0900 UTC on "
                                          "June 8, 2021, and again just after midnight UTC on 1 January 2017.",
                                          TimeContext()) if t.kind == "clock"]
    assert found == [utc(2023, 4, 26, 3, 51), utc(2021, 6, 8, 9, 0), utc(2017, 1, 1, 0, 0)]


def test_first_clock_of_a_range_takes_the_date_written_after_the_second():
    found = [t.utc for t in extract_times("It lasted from 2:19 AM until 7:10 AM PDT on September 20, 2015.",
                                          TimeContext()) if t.kind == "clock"]
    assert found == [utc(2015, 9, 20, 9, 19), utc(2015, 9, 20, 14, 10)]


def test_four_digit_numbers_without_a_zone_are_not_times():
    assert extract_times("In 2015 about 2000 servers failed; 1200 more were drained.", TimeContext()) == []


def test_zones_written_in_parentheses_as_z_or_as_an_offset_from_utc():
    ctx = TimeContext(published="2024-03-10")
    assert by_raw("The cache failed at 14:05 (UTC) on 8 March 2024.", ctx)["14:05 (UTC) on 8 March 2024"].utc \
        == utc(2024, 3, 8, 14, 5)
    assert by_raw("The cache failed at 14:05Z on March 8, 2024.", ctx)["14:05Z on March 8, 2024"].utc \
        == utc(2024, 3, 8, 14, 5)
    assert by_raw("It failed at 09:05 GMT-05:00 on March 8, 2024.", ctx)["09:05 GMT-05:00 on March 8, 2024"].utc \
        == utc(2024, 3, 8, 14, 5)
    assert by_raw("It failed at 14:05 UTC+1 on 8 March 2024.", ctx)["14:05 UTC+1 on 8 March 2024"].utc \
        == utc(2024, 3, 8, 13, 5)


def test_a_clock_takes_an_iso_date_written_after_it():
    found = by_raw("Around 14:05 UTC on 2024-03-08 the cache failed.", TimeContext(published="2024-03-10"))
    assert found["14:05 UTC on 2024-03-08"].utc == utc(2024, 3, 8, 14, 5)


def test_an_account_that_declares_its_zone_reads_bare_clocks_in_it():
    found = by_raw("Timeline (all times PDT)\n- March 8, 2024, 14:05: the cache failed.",
                   TimeContext(published="2024-03-10"))
    assert found["14:05"].utc == utc(2024, 3, 8, 21, 5)


def test_a_written_year_far_from_the_incident_is_another_time_not_a_slip():
    ctx = TimeContext(published="2024-03-10", incident_year=2024)
    found = by_raw("On March 8, 2024 the cache failed. Last year, on June 3, 2023, a similar change failed.", ctx)
    assert found["June 3, 2023"].utc == utc(2023, 6, 3)


def test_a_clock_after_a_bare_weekday_is_on_that_weekday():
    found = by_raw("Acme went down on Friday afternoon, shortly after 9 a.m. Eastern.",
                   TimeContext(published="2024-03-12"))
    assert found["9 a.m. Eastern"].utc == utc(2024, 3, 8, 14, 0)


def test_a_clock_followed_by_a_weekday_is_on_that_weekday():
    # a dateline gives the day the story was written; the clock's own weekday says which day it was
    found = by_raw("October 21, 2025\nAll services were back to normal by 3:01 p.m. Pacific time on Monday. "
                   "The outage started at 9:10 a.m. ET Tuesday.", TimeContext(published="2025-10-22"))
    assert found["3:01 p.m. Pacific time"].utc == utc(2025, 10, 20, 22, 1)
    assert found["9:10 a.m. ET"].utc == utc(2025, 10, 21, 13, 10)


def test_a_yearless_date_takes_the_year_written_later_in_its_sentence_or_that_fits_its_weekday():
    ctx = TimeContext(published="2024-03-12")
    found = by_raw("The outage lasted 73 hours, from 13:37 PT on Thursday, October 28 to 16:45 PT on Sunday, "
                   "October 31, 2021.", ctx)
    assert found["13:37 PT on Thursday, October 28"].utc == utc(2021, 10, 28, 20, 37)
    assert by_raw("It went down on Thursday, October 28.", ctx)["Thursday, October 28"].utc == utc(2021, 10, 28)


def test_a_date_heading_a_timeline_with_a_colon_keeps_its_year():
    found = extract_times("On March 3, 2024:\n- 11:40 PM: Error rates rose.", TimeContext())
    assert (found[0].raw, found[0].explicit_year) == ("March 3, 2024", 2024)
    assert extract_times("In March 2024: the queue filled.", TimeContext())[0].explicit_year == 2024


def test_a_date_after_a_restated_clock_dates_both():
    got = by_raw("At 11:49 PM PDT (06:49 UTC) on October 19, 2025, errors rose.", TimeContext(published="2025-10-25"))
    assert got["11:49 PM PDT"].utc == got["06:49 UTC"].utc == utc(2025, 10, 20, 6, 49)


def test_a_zone_written_on_an_iso_stamp_is_the_zone_of_later_bare_clocks():
    got = by_raw("Errors began at 2024-07-19 04:09 UTC and stopped at 05:27.", TimeContext(published="2024-07-25"))
    assert got["05:27"].utc == utc(2024, 7, 19, 5, 27)


def test_a_month_and_year_or_the_one_year_written_dates_a_yearless_day():
    got = by_raw("Thread on the March 2023 outage. On March 8 at 06:03 UTC an update hit the fleet.", TimeContext())
    assert got["06:03 UTC"].utc == utc(2023, 3, 8, 6, 3)
    got = by_raw("Notes on the 2023 outage. On March 8 at 06:03 UTC an update hit the fleet.", TimeContext())
    assert got["06:03 UTC"].utc == utc(2023, 3, 8, 6, 3)


def test_a_zone_spelled_out_in_full_is_read():
    got = by_raw("On 19 July 2024 at 06:09 Central European Summer Time the update went out.", TimeContext())
    assert got["06:09 Central European Summer Time"].utc == utc(2024, 7, 19, 4, 9)


def test_a_date_never_runs_across_a_line_break():
    got = by_raw("Increased error rates - us-east-1\n\nOct 20, 3:53 PM PDT: All services have recovered.",
                 TimeContext(published="2025-10-25"))
    assert got["3:53 PM PDT"].utc == utc(2025, 10, 20, 22, 53)
    assert not [raw for raw in got if "\n" in raw]


def test_clocks_above_the_first_written_date_take_it_not_the_publication_day():
    text = ("[Resolved] 21:05 UTC - Error rates are back to normal.\n"
            "[Investigating] 19:58 UTC, 4 June 2024 - We are investigating elevated API error rates.")
    got = by_raw(text, TimeContext(published="2024-06-05"))
    assert got["21:05 UTC"].utc == utc(2024, 6, 4, 21, 5)
    far = by_raw(text.replace("4 June 2024", "4 June 2023"), TimeContext(published="2024-06-05"))
    assert far["21:05 UTC"].utc == utc(2024, 6, 5, 21, 5)  # a date long before publication dates nothing above it


def test_in_a_city_after_a_clock_is_where_when_the_account_declares_its_zone():
    found = by_raw("Timeline (all times UTC)\n- March 3, 2024 09:12 in Amsterdam, a core switch failed.",
                   TimeContext(published="2024-03-05"))
    assert found["09:12 in Amsterdam"].utc == utc(2024, 3, 3, 9, 12)


def test_numeric_dates_carry_their_year_month_first_with_slashes_and_day_first_with_dots():
    found = by_raw("On 03/08/2024 at 14:02 UTC the deploy started; on 25/12/2023 and on 8.3.2024 too. "
                   "Version 1.2.3 ran on 10.0.0.1 for 3/4 of the hosts.", TimeContext(published="2024-03-10"))
    assert found["03/08/2024"].utc == utc(2024, 3, 8, 0, 0) and found["14:02 UTC"].utc == utc(2024, 3, 8, 14, 2)
    assert found["25/12/2023"].utc == utc(2023, 12, 25, 0, 0) and found["8.3.2024"].utc == utc(2024, 3, 8, 0, 0)
    assert not any(raw.startswith(("1.2", "10.0", "3/4")) for raw in found)


def test_yesterday_and_last_night_count_back_from_the_publication_day():
    found = by_raw("Yesterday at 3 p.m. ET the site went down. Late last night, around 11 p.m. PT, payments "
                   "failed. The API recovered at 4 p.m. ET yesterday.", TimeContext(published="2024-03-10"))
    assert found["3 p.m. ET"].utc == utc(2024, 3, 9, 20, 0)
    assert found["11 p.m. PT"].utc == utc(2024, 3, 10, 7, 0)
    assert found["4 p.m. ET"].utc == utc(2024, 3, 9, 21, 0)
    assert found["Yesterday"].relative  # no time point of its own


@pytest.mark.parametrize("said, instant", [
    ("At 14:02 MSK the outage began.", utc(2024, 7, 25, 11, 2)),
    ("At 3 p.m. WIB the outage began.", utc(2024, 7, 25, 8, 0)),
    ("At 9:15 ACST the outage began.", utc(2024, 7, 24, 23, 45)),
])
def test_zone_abbreviations_outside_the_us_and_europe(said, instant):
    assert clock_instants(said, "2024-07-25") == [instant]


def test_a_date_told_in_the_past_perfect_looks_back_and_the_storys_day_goes_on():
    text = ("Sites went dark on Tuesday, June 8, 2021, starting at 09:47 UTC. The change exposed a bug the company "
            "had shipped in a routine deployment on May 12. By 10:36 UTC, most of the network was working again. "
            "On June 9 at 08:00 UTC a fix was deployed.")
    found = by_raw(text, TimeContext(published="2021-06-10"))
    assert found["May 12"].utc == utc(2021, 5, 12)
    assert found["10:36 UTC"].utc == utc(2021, 6, 8, 10, 36)
    assert found["08:00 UTC"].utc == utc(2021, 6, 9, 8, 0)


@pytest.mark.parametrize("said, instant", [
    ("At 4:05 am Australian Eastern Daylight Time on November 8, 2023 the network failed.", utc(2023, 11, 7, 17, 5)),
    ("At 10:30 a.m. Japan Standard Time on July 19, 2024 the network failed.", utc(2024, 7, 19, 1, 30)),
    ("At 10:30 a.m. Brasília time on July 19, 2024 the network failed.", utc(2024, 7, 19, 13, 30)),
    ("At 10.30am BST on July 19, 2024 the network failed.", utc(2024, 7, 19, 9, 30)),
])
def test_zones_written_out_in_full_and_clocks_written_with_a_dot(said, instant):
    assert clock_instants(said, "2024-08-01") == [instant]


def test_the_words_of_a_zone_written_out_still_name_things_elsewhere():
    from ingest.extraction.entities import ZONE_WORDS
    assert not {"Japan", "New", "South", "Western"} & ZONE_WORDS


@pytest.mark.parametrize("said, zone", [
    ("All times in this report are JST.", "JST"),
    ("All times mentioned below are in UTC.", "UTC"),
    ("All times in the timeline below are Japan Standard Time.", "Japan Standard Time"),
])
def test_an_account_declares_its_zone_in_the_words_reports_use(said, zone):
    assert declared_zone(said) == zone


@pytest.mark.parametrize("said, instant", [
    ("Banks in Sydney went offline at 3 a.m. local time on November 8, 2023.", utc(2023, 11, 7, 16, 0)),
    ("London users lost access from 2pm local time on July 19, 2024.", utc(2024, 7, 19, 13, 0)),
])
def test_local_time_is_the_time_of_the_one_place_its_sentence_names(said, instant):
    assert clock_instants(said, "2024-08-01") == [instant]


def test_local_time_in_a_sentence_naming_two_places_has_no_zone():
    assert clock_instants("Flights from Tokyo to Sydney stopped at 3 a.m. local time on November 8, 2023.",
                          "2024-08-01") == [None]
