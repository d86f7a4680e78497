"""Skills: the organization's list, and reps' self-assessments kept as history."""


def assess(api, token, ratings, **body):
    return api.post("/skills/assessments", token, json={"ratings": ratings, **body})


def test_everyone_reads_the_skill_list_and_admins_edit_it(api, orgs):
    one = orgs["one"]
    skills = api.get("/skills", one.tokens["rep_a1"]).json["skills"]
    assert "prospecting" in skills and "closing" in skills
    assert api.put("/skills", one.tokens["manager_a"], json={"skills": ["x"]}).status_code == 403
    response = api.put("/skills", one.tokens["admin"], json={"skills": ["Discovery", "Demo craft"]})
    assert response.status_code == 200 and response.json == {"skills": ["Discovery", "Demo craft"]}
    assert api.get("/skills", one.tokens["rep_b1"]).json["skills"] == ["Discovery", "Demo craft"]
    assert api.get("/skills", orgs["two"].tokens["rep_a1"]).json["skills"] == skills


def test_skill_list_validation(api, orgs):
    token = orgs["one"].tokens["admin"]
    assert api.put("/skills", token, json={"skills": []}).json["error"]["fields"] == {
        "skills": ["Length must be between 1 and 50."]}
    assert api.put("/skills", token, json={"skills": ["a", "A"]}).json["error"]["fields"] == {
        "skills": ["A skill is listed twice."]}
    assert "skills" in api.put("/skills", token, json={}).json["error"]["fields"]


def test_rep_assesses_themselves_and_history_is_kept(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    first = assess(api, token, [{"skill": "prospecting", "rating": 2, "note": "Few calls"}])
    assert first.status_code == 201, first.json
    assert first.json["rep_id"] == orgs["one"].users["rep_a1"].id
    assert first.json["ratings"] == [
        {"skill": "prospecting", "rating": 2, "note": "Few calls", "previous_rating": None}]
    second = assess(api, token, [{"skill": "Prospecting", "rating": 4},
                                 {"skill": "closing", "rating": 3, "note": "Better"}])
    assert second.json["ratings"][0]["skill"] == "prospecting"  # the organization's spelling
    assert [(r["rating"], r["previous_rating"]) for r in second.json["ratings"]] == [(4, 2), (3, None)]
    listed = api.get("/skills/assessments", token).json
    assert [a["id"] for a in listed["items"]] == [second.json["id"], first.json["id"]]
    assert listed["items"][0]["ratings"][0]["previous_rating"] == 2
    one = api.get(f"/skills/assessments/{first.json['id']}", token)
    assert one.status_code == 200 and one.json["ratings"][0]["rating"] == 2
    assert one.json["ratings"][0]["previous_rating"] is None


def test_unknown_skill_bad_rating_and_duplicates(api, orgs):
    token = orgs["one"].tokens["rep_a1"]
    response = assess(api, token, [{"skill": "juggling", "rating": 3}])
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "ratings": {"0": {"skill": ["Not one of your organization's skills: juggling."]}}}
    response = assess(api, token, [{"skill": "closing", "rating": 6}, {"rating": 1}])
    fields = response.json["error"]["fields"]["ratings"]
    assert fields["0"]["rating"] == ["Must be greater than or equal to 1 and less than or equal to 5."]
    assert fields["1"]["skill"] == ["Missing data for required field."]
    twice = assess(api, token, [{"skill": "closing", "rating": 2}, {"skill": "closing", "rating": 3}])
    assert twice.json["error"]["fields"]["ratings"]["1"]["skill"] == ["closing is rated twice."]
    assert assess(api, token, []).status_code == 422


def test_assessment_access(api, orgs):
    one = orgs["one"]
    created = assess(api, one.tokens["rep_a1"], [{"skill": "closing", "rating": 3}]).json
    url = f"/skills/assessments/{created['id']}"
    assert api.get(url, one.tokens["manager_a"]).status_code == 200
    for who in ("manager_b", "rep_a2"):
        assert api.get(url, one.tokens[who]).status_code == 404
    assert api.get(url, orgs["two"].tokens["admin"]).status_code == 404
    rep_id = one.users["rep_a1"].id
    assert api.get(f"/skills/assessments?rep_id={rep_id}", one.tokens["manager_b"]).json["items"] == []
    assert assess(api, one.tokens["manager_a"], [{"skill": "closing", "rating": 3}],
                  rep_id=rep_id).status_code == 403
    by_admin = assess(api, one.tokens["admin"], [{"skill": "closing", "rating": 4}], rep_id=rep_id)
    assert by_admin.status_code == 201 and by_admin.json["rep_id"] == rep_id
    assert api.get("/skills/assessments/999999", one.tokens["admin"]).status_code == 404
