

def test_rule_widths_keep_short_columns_readable_beside_long_text():
    from analysis.tables.markdown import MAX_RULE_WIDTH

    frame = pd.DataFrame({"tier": ["recovered", "primary"], "meaning": ["word " * 60, "short"]})
    rule = pipe_table(frame).splitlines()[1]
    tier_rule, meaning_rule = [cell.strip() for cell in rule.strip("|").split("|")]
    assert len(tier_rule) == len("recovered")  # its longest word
    assert len(meaning_rule) == MAX_RULE_WIDTH  # capped, not the 300 characters of the text
