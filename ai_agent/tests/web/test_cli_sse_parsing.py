"""cli.py reads any well-formed SSE stream: every line-break style, frames split across chunks."""

from __future__ import annotations

import pytest

from cli import SseEvent, frame_event, parse_sse, sse_frames, sse_lines

FRAMES = 'retry: 5000\n\n: ping\n\nevent: token\ndata: {"delta":"Hi \\u2028 there"}\n\nevent: end\ndata: {"ok":true}\n\n'
EXPECTED = [SseEvent("token", '{"delta":"Hi \\u2028 there"}'), SseEvent("end", '{"ok":true}')]


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("chunk_size", [1, 2, 7, 10_000])
def test_events_are_the_same_whatever_the_line_breaks_and_chunking(line_break, chunk_size):
    text = FRAMES.replace("\n", line_break)
    chunks = [text[i:i + chunk_size] for i in range(0, len(text), chunk_size)]

    assert list(parse_sse(sse_lines(chunks))) == EXPECTED


def test_only_sse_line_breaks_split_lines():
    # U+2028 and form feed are line breaks to str.splitlines, not to SSE.
    assert list(sse_lines(["data: a\u2028b\x0cc\n"])) == ["data: a\u2028b\x0cc"]


def test_multi_line_data_is_joined_and_an_unfinished_event_is_dropped():
    lines = ["event: token", "data: one", "data:two", "", "event: end", "data: {}"]

    assert list(parse_sse(lines)) == [SseEvent("token", "one\ntwo")]


def test_frames_keep_every_line_and_only_frames_with_data_carry_an_event():
    frames = list(sse_frames(sse_lines([FRAMES])))

    assert frames == [["retry: 5000"], [": ping"], ["event: token", 'data: {"delta":"Hi \\u2028 there"}'],
                      ["event: end", 'data: {"ok":true}']]
    assert [frame_event(frame) for frame in frames] == [None, None, *EXPECTED]
