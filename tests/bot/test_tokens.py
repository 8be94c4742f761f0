"""/token: the secret shown once and privately, a list without secrets, revocation of one's own only."""

from __future__ import annotations

import re

from tests.bot.harness import OTHER_STUDENT, STUDENT, BotHarness


def create(bot: BotHarness, name: str, **options) -> dict:
    """/token create name:… — `name` is also slash()'s own parameter, so the option is added here."""
    payload = bot.slash("token", sub="create", **options)
    payload["data"]["options"][0]["options"].insert(0, {"name": "name", "type": 3, "value": name})
    return payload


async def make(bot: BotHarness, name: str, person=STUDENT, **options) -> str:
    calls = await bot.send(create(bot, name, person=person, **options))
    assert calls[-1].ephemeral
    return re.search(r"```\n(sth_\S+)\n```", calls[-1].content).group(1)


async def test_create_shows_the_secret_once_with_how_to_use_it(
    discord_bot: BotHarness, book_app, clock
) -> None:
    calls = await discord_bot.send(create(discord_bot, "laptop", days=30, scope="read"))
    assert len(calls) == 1 and calls[0].kind == 4 and calls[0].ephemeral
    text = calls[0].content
    assert "only this once" in text and "STUDYHALL_TOKEN" in text and "Authorization: Bearer" in text
    secret = re.search(r"```\n(sth_\S+)\n```", text).group(1)
    user, record = await book_app.tokens.verify(secret, required_scopes=["read"])
    assert user.id == (await book_app.accounts.find("discord", STUDENT.id)).id
    assert record.name == "laptop" and record.scopes == ["read"]
    assert (record.expires_at - clock()).days == 30
    listed = await discord_bot.send(discord_bot.slash("token", sub="list"))
    assert listed[0].ephemeral and "laptop" in listed[0].text() and secret not in listed[0].text()
    assert f"…{secret[-4:]}" in listed[0].text()


async def test_default_scope_is_read_and_progress(discord_bot: BotHarness, book_app) -> None:
    secret = await make(discord_bot, "claude")
    _, record = await book_app.tokens.verify(secret, required_scopes=["read", "progress:write"])
    assert record.expires_at is None


async def test_bad_input_is_worded(discord_bot: BotHarness) -> None:
    blank = await discord_bot.send(create(discord_bot, "   "))
    assert blank[-1].ephemeral and "The token name cannot be empty." in blank[-1].content
    too_long = await discord_bot.send(create(discord_bot, "x", days=99999))
    assert "from 1 to 3650" in too_long[-1].content
    nothing = await discord_bot.send(discord_bot.slash("token", sub="list"))
    assert "no tokens yet" in nothing[0].content


async def test_revoke_with_autocomplete_and_never_someone_elses(discord_bot: BotHarness, book_app) -> None:
    mine = await make(discord_bot, "laptop")
    theirs = await make(discord_bot, "grace-pc", person=OTHER_STUDENT)
    _, their_record = await book_app.tokens.verify(theirs)
    suggested = await discord_bot.send(discord_bot.slash("token", sub="revoke", token="lap", focused="token"))
    choices = suggested[0].json["data"]["choices"]
    assert suggested[0].kind == 8 and [c["name"].split(" ")[0] for c in choices] == ["laptop"]
    refused = await discord_bot.send(discord_bot.slash("token", sub="revoke", token=their_record.id))
    assert refused[-1].ephemeral and "No token" in refused[-1].content
    await book_app.tokens.verify(theirs)  # still works
    done = await discord_bot.send(discord_bot.slash("token", sub="revoke", token=choices[0]["value"]))
    assert "Revoked **laptop**" in done[-1].content
    records = await book_app.tokens.list((await book_app.accounts.find("discord", STUDENT.id)).id)
    assert records[0].revoked_at is not None
    again = await discord_bot.send(discord_bot.slash("token", sub="revoke", token="", focused="token"))
    assert again[0].json["data"]["choices"] == []  # only active tokens are offered
    listed = await discord_bot.send(discord_bot.slash("token", sub="list"))
    assert "revoked" in listed[0].text()
    assert mine


async def test_autocomplete_offers_at_most_25(discord_bot: BotHarness, book_app) -> None:
    user = await book_app.accounts.resolve("discord", STUDENT.id, STUDENT.name)
    for n in range(25):
        await book_app.tokens.create(user.id, f"t{n}")
    suggested = await discord_bot.send(discord_bot.slash("token", sub="revoke", token="", focused="token"))
    assert len(suggested[0].json["data"]["choices"]) == 25
    full = await discord_bot.send(create(discord_bot, "one more"))
    assert "already have 25 active tokens" in full[-1].content
