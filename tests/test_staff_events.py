"""What the staff's changes tell every screen (server.live.staff): the event names, and payloads
that carry no names, since visitors' screens hear them too."""


def _received(screen) -> list[tuple[str, list]]:
    return [(m["name"], m["args"]) for m in screen.get_received()]


def test_a_changed_user_is_announced_without_their_name(login, make_user, socket_client):
    make_user("siti")
    admin = login("admin", None)
    screen = socket_client()
    screen.get_received()
    response = admin.patch("/api/admin/users/siti", json={"full_name": "Siti Aminah"})
    assert response.status_code == 200, response.get_json()
    assert _received(screen) == [("config_changed", [{}])]


def test_a_settings_change_sends_the_new_state_after_config_changed(login, socket_client):
    admin = login("admin", None)
    screen = socket_client()
    screen.get_received()
    response = admin.put("/api/admin/settings/office", json={"running_text": "Selamat datang."})
    assert response.status_code == 200, response.get_json()
    events = _received(screen)
    names = [name for name, _args in events]
    assert names.index("config_changed") < names.index("state")
    assert events[names.index("config_changed")][1] == [{}]
    state = events[names.index("state")][1][0]
    assert state["office"]["running_text"] == "Selamat datang.", "the state is the new configuration's"
