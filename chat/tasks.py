"""Celery tasks of the chat app (thin: call a service)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def analyse_conversation(conversation_id: str) -> None:
    from chat.services import conversation_analyse

    conversation_analyse(conversation_id=conversation_id)
