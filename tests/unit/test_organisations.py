"""One organisation under its several names, within one jurisdiction only."""

from kg.rdf.organisations import OrgIndex, org_keys


def test_keys_are_the_bare_name_and_the_acronym():
    assert org_keys("Department of the Treasury (Treasury)") == {"department treasury", "treasury"}
    assert org_keys("Financial Intelligence Unit (FIU)") == {"financial intelligence unit", "fiu"}
    assert "fincen" in org_keys("FinCEN")


def test_names_that_share_a_key_in_one_jurisdiction_are_one_node():
    index = OrgIndex()
    first = index.add("Department of the Treasury (Treasury)", "US")
    assert index.add("Treasury", "US") == first
    assert index.add("Department of the Treasury (Treasury)", "US") == first


def test_the_same_name_in_two_jurisdictions_is_two_nodes():
    index = OrgIndex()
    assert index.add("Police", "NL") != index.add("Police", "CA")
