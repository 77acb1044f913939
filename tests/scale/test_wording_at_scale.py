"""Sentences that name studies or count them stay sentences however many studies there are."""
from analysis.format import MAX_NAMES_LISTED, fmt_count, fmt_list, fmt_names


def test_names_up_to_the_limit_are_all_printed_and_longer_lists_say_how_many_more():
    names = [f"Study {i}, arm {i}" for i in range(2 * MAX_NAMES_LISTED + 3)]
    assert fmt_names(names[:2]) == "Study 0, arm 0 and Study 1, arm 1"
    assert fmt_names(names[:1]) == "Study 0, arm 0" and fmt_names([]) == ""
    shown = fmt_names(names, separator="; ")
    assert shown == "; ".join(names[:MAX_NAMES_LISTED]) + f" and {len(names) - MAX_NAMES_LISTED} more"
    # with "and" before the last name, a short list reads as fmt_list's
    assert fmt_names(names[:3], separator=", ", last=" and ") == fmt_list(names[:3])


def test_a_count_agrees_with_its_noun():
    assert [fmt_count(n, "study", "studies") for n in (0, 1, 2, 1500)] == ["0 studies", "1 study", "2 studies",
                                                                            "1,500 studies"]
    assert fmt_count(1, "arm") == "1 arm" and fmt_count(3, "arm") == "3 arms"
