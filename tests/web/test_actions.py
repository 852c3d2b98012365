"""A supervisor's steps on a difficulty from the dashboard do what the same steps do from the
chat: the same lifecycle event, status, answer and notices (both backends, no browser; the
browser story of answering is in test_dashboard.py)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.web import pages
from handlers.core.turn import HandlerConfig
from handlers.difficulty.lifecycle import Action
from storage import Database, difficulties, org
from storage.difficulties import reference
from storage.org_import import resolve_person
from tests.chat import ZONE
from tests.helpers.difficulty import TAM, inbox, raise_urgent, stored
from tests.helpers.sample import AN, THANH, MakeChat

pytestmark = pytest.mark.both_backends

CONFIG = HandlerConfig(zone=ZONE, language="vi", backdate_days=7)  # the router fixture's

TEXTS = {
    Action.ANSWER: "Áp dụng Công văn 123/SNV, mục 2.",
    Action.ASK_INFO: "Xã đã gửi văn bản xin ý kiến chưa?",
    Action.FORWARD: "Anh Tâm nắm rõ quy định này, nhờ anh trả lời.",
}


def shape(message: dict[str, Any], number: int) -> dict[str, Any]:
    """A queued notice with its difficulty's reference and ids taken out (to compare two)."""
    return {
        **{k: v for k, v in message.items() if k != "key"},
        "text": message["text"].replace(reference(number), "KK-?"),
        "choices": [[label, data.rsplit(":", 1)[0]] for label, data in message["choices"]],
        "choice_data": [data.rsplit(":", 1)[0] for data in message["choice_data"]],
    }


async def notices(db: Database, name: str, number: int) -> list[dict[str, Any]]:
    """What the outbox holds for a person about one difficulty's steps, reference taken out."""
    return [
        shape(m, number) for m in await inbox(db, name) if m["key"].startswith(f"kk:{number}:e")
    ]


@pytest.mark.parametrize(
    "action",
    [Action.ACKNOWLEDGE, Action.ANSWER, Action.ASK_INFO, Action.FORWARD, Action.RESOLVE],
    ids=lambda a: str(a),
)
async def test_a_step_from_the_dashboard_is_the_same_step_as_from_the_chat(
    linked_chat: MakeChat, org_db: Database, action: Action
) -> None:
    thanh, an = await linked_chat(THANH), await linked_chat(AN)
    await linked_chat(TAM)
    by_chat, by_web = await raise_urgent(an), await raise_urgent(an)
    text = TEXTS.get(action, "")
    async with org_db.read() as tx:
        tam_id = await resolve_person(tx, TAM)
        leader = await org.person_by_id(tx, await resolve_person(tx, THANH))
    assert leader is not None

    # From the chat: the button of the notice, then whatever the step asks for.
    await thanh.press_data(f"k:{action.value}:{by_chat}")
    if action is Action.FORWARD:
        await thanh.press(TAM)
    if text:
        await thanh.say(text)
    chat_answer = thanh.text
    # From the dashboard: the form of the difficulty page.
    web_answer = await pages.act(
        org_db,
        CONFIG,
        leader,
        by_web,
        action,
        text=text,
        target_id=tam_id if action is Action.FORWARD else None,
        now=thanh.clock,
    )

    assert reference(by_web) in web_answer
    assert web_answer.replace(reference(by_web), "KK-?") == chat_answer.replace(
        reference(by_chat), "KK-?"
    )
    async with org_db.read() as tx:
        chat_events = (await difficulties.events_of(tx, by_chat))[1:]
        web_events = (await difficulties.events_of(tx, by_web))[1:]
    assert [e.action for e in web_events] == [action.value]
    assert [
        (e.actor_id, e.action, e.from_status, e.to_status, e.text, e.target_id) for e in web_events
    ] == [
        (e.actor_id, e.action, e.from_status, e.to_status, e.text, e.target_id) for e in chat_events
    ]
    chat_item, web_item = await stored(org_db, by_chat), await stored(org_db, by_web)
    assert (web_item.status, web_item.assignee_id, web_item.first_response_at) == (
        chat_item.status,
        chat_item.assignee_id,
        chat_item.first_response_at,
    )
    # The reporter is told once, in the very words and with the buttons the chat's step gives.
    told = await notices(org_db, AN, by_web)
    assert len(told) == 1 and THANH in told[0]["text"]
    assert told == await notices(org_db, AN, by_chat)
    if action is Action.FORWARD:
        assert web_item.assignee_id == tam_id
        handed = await notices(org_db, TAM, by_web)
        assert len(handed) == 1 and text in handed[0]["text"]
        assert handed == await notices(org_db, TAM, by_chat)


async def test_a_step_the_database_cannot_take_says_so_on_the_page(
    linked_chat: MakeChat, org_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    async with org_db.read() as tx:
        leader = await org.person_by_id(tx, await resolve_person(tx, THANH))
    assert leader is not None
    gone = await org_db.open_again()
    await gone.close()  # as a database that stopped answering
    answer = await pages.act(gone, CONFIG, leader, number, Action.RESOLVE, now=an.clock)
    assert answer == "Chưa lưu được, anh/chị vui lòng gửi lại."
    assert f"dashboard action resolve on difficulty {number} failed" in caplog.text
    assert (await stored(org_db, number)).status == "new"
