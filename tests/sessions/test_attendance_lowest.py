from sessions.selectors import AttendanceRates, Rate


def test_dashboard_lists_the_ten_teams_with_the_lowest_attendance():
    teams = [Rate(f"Équipe {i:02d}", attended=i, invited=20) for i in range(12)]
    teams.append(Rate("Sans séance", attended=0, invited=0))  # no rate yet: not listed
    rates = AttendanceRates(students=[], teams=teams, schools=[], sessions=20, overall=Rate(""))
    lowest = rates.lowest_teams
    assert [t.label for t in lowest] == [f"Équipe {i:02d}" for i in range(10)]
    assert lowest[0].percent == 0 and lowest[-1].percent == 45
