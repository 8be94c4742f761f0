"""Who the failed-token slow-down counts: an IPv4 address, or a whole IPv6 /64."""

from mcp_server.limits import client_key


def test_client_keys() -> None:
    assert client_key("127.0.0.2") == "127.0.0.2"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("testclient") == "testclient"
