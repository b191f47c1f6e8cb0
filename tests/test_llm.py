"""LLM.extract end to end: the real openai SDK, instructor and tenacity against a real HTTP stub."""

from __future__ import annotations

import json
import time
import traceback

import pytest
from pydantic import BaseModel

from summarizer import llm as llm_module
from summarizer import transport
from summarizer.backends.openai_compat import OpenAIBackend
from summarizer.errors import ConfigError, ModelError, RetriesExhausted, Usage, UsageError
from summarizer.llm import LLM, LLMSettings
from summarizer.recording import Player, Recorder, ReplayMiss, request_key
from summarizer.transport import RetryPolicy
from tests.stub_server import StubServer, completion, pieces, stream_events

SECRET = "sk-test-secret"
SETTINGS = LLMSettings(transport=RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05), reasks=1)


class City(BaseModel):
    city: str
    population: int


MESSAGES = [
    {"role": "system", "content": "You extract facts as JSON."},
    {"role": "user", "content": "Paris has 2100000 inhabitants."},
]
GOOD = {"city": "Paris", "population": 2100000}


def make_backend(base_url: str, timeout: float = 5.0) -> OpenAIBackend:
    return OpenAIBackend(provider="openai", model="test-model", base_url=base_url, api_key=SECRET, timeout=timeout)


def make_llm(stub: StubServer, *, timeout: float = 5.0, **kwargs) -> LLM:
    return LLM(make_backend(stub.base_url, timeout), SETTINGS, **kwargs)


def extract(llm: LLM, usage: Usage | None = None, messages=None, max_tokens: int = 64) -> City:
    return llm.extract(
        [dict(m) for m in (messages or MESSAGES)], City, max_tokens=max_tokens,
        usage=usage if usage is not None else Usage(),
    )


@pytest.fixture(scope="module", autouse=True)
def warm_sdk():
    """Pay the openai SDK's lazy imports once, so timings below measure behaviour, not imports."""
    with StubServer(GOOD) as server:
        extract(make_llm(server))


@pytest.fixture
def sleeps(monkeypatch):
    """Record the transport layer's sleeps (without sleeping) by wrapping llm.call_with_retries."""
    recorded: list[float] = []
    real = transport.call_with_retries

    def with_recorded_sleep(fn, policy, *, sleep=None):
        return real(fn, policy, sleep=recorded.append)

    monkeypatch.setattr(llm_module, "call_with_retries", with_recorded_sleep)
    return recorded


# -- answers and validation re-asks -------------------------------------------------------------


def test_valid_answer(stub):
    stub.enqueue(GOOD)
    usage = Usage()
    assert extract(make_llm(stub), usage).model_dump() == GOOD
    assert len(stub.requests) == 1
    body = stub.requests[0].body
    assert body["model"] == "test-model"
    assert body["messages"] == MESSAGES
    assert body["max_tokens"] == 64
    assert body["temperature"] == 0.0 and body["seed"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["required"] == ["city", "population"]
    assert stub.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    assert usage.requests == 1


def test_invalid_json_is_reasked_with_the_error(stub):
    stub.enqueue("Sure! The city is Paris.")
    stub.enqueue(GOOD)
    assert extract(make_llm(stub)).model_dump() == GOOD
    assert len(stub.requests) == 2
    first, second = (r.messages for r in stub.requests)
    assert first == MESSAGES
    assert second[: len(MESSAGES)] == MESSAGES
    assert second[len(MESSAGES)] == {"role": "assistant", "content": "Sure! The city is Paris."}
    feedback = second[-1]
    assert feedback["role"] == "user"
    assert "validation error" in feedback["content"] and "Invalid JSON" in feedback["content"]


def test_schema_invalid_twice_exhausts_reasks(stub):
    stub.enqueue({"city": "Paris"}, prompt_tokens=100, completion_tokens=7)
    stub.enqueue({"city": "Paris", "population": "many"}, prompt_tokens=130, completion_tokens=9)
    usage = Usage()
    with pytest.raises(RetriesExhausted) as info:
        extract(make_llm(stub), usage)
    err = info.value
    assert err.attempts == 2
    assert "2 attempts" in str(err) and "--reasks" in str(err)
    assert err.usage is usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.requests) == (230, 16, 2)
    assert err.last_output is not None and "many" in err.last_output
    assert len(stub.requests) == 2
    reask = stub.requests[1].messages[-1]["content"]
    assert "population" in reask and "Field required" in reask


# -- transport errors: retried, never shown to the model -----------------------------------------


def test_429_retry_after_is_honoured_and_not_fed_to_the_model(stub, sleeps):
    stub.enqueue_error(429, "Rate limit reached", headers={"Retry-After": "1"})
    stub.enqueue(GOOD)
    usage = Usage()
    assert extract(make_llm(stub), usage).model_dump() == GOOD
    assert sleeps == [1.0]  # the server's hint, not the 0.01-0.05 s backoff
    assert len(stub.requests) == 2
    assert stub.requests[1].body == stub.requests[0].body  # the same request, no re-ask
    assert stub.requests[1].messages == MESSAGES
    assert usage.requests == 1  # the 429 carried no tokens


def test_429_retry_after_waits_in_real_time(stub):
    stub.enqueue_error(429, "Rate limit reached", headers={"Retry-After": "1"})
    stub.enqueue(GOOD)
    assert extract(make_llm(stub)).model_dump() == GOOD
    first, second = stub.requests
    assert second.at - first.at >= 0.95
    assert second.messages == first.messages


def test_retry_after_ms_header(stub, sleeps):
    stub.enqueue_error(503, "overloaded", headers={"retry-after-ms": "120"})
    stub.enqueue(GOOD)
    extract(make_llm(stub))
    assert sleeps == [0.12]


def test_500_then_success(stub, sleeps):
    stub.enqueue_error(500, "oops")
    stub.enqueue(GOOD)
    usage = Usage()
    assert extract(make_llm(stub), usage).model_dump() == GOOD
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= SETTINGS.transport.max_wait
    assert [r.messages for r in stub.requests] == [MESSAGES, MESSAGES]


def test_500_until_retries_run_out(stub, sleeps):
    stub.enqueue_error(500, "oops", times=10)
    usage = Usage()
    with pytest.raises(RetriesExhausted) as info:
        extract(make_llm(stub), usage)
    err = info.value
    assert err.attempts == 3
    assert "3 attempts" in str(err) and "HTTP 500" in str(err)
    assert len(stub.requests) == 3  # transport attempts only: instructor did not re-ask on top
    assert all(r.messages == MESSAGES for r in stub.requests)
    assert usage.requests == 0 and err.usage is usage


def test_timeout_is_retried_then_fails(stub):
    stub.enqueue(GOOD, delay=2.0, times=3)
    started = time.monotonic()
    with pytest.raises(RetriesExhausted) as info:
        extract(make_llm(stub, timeout=0.25))
    assert info.value.attempts == 3
    assert "timed out" in str(info.value)
    assert len(stub.requests) == 3
    assert time.monotonic() - started < 1.9  # gave up on the client's timeout, not the server's delay


def test_timeout_then_success(stub):
    stub.enqueue(GOOD, delay=2.0)
    stub.enqueue(GOOD)
    assert extract(make_llm(stub, timeout=0.25)).model_dump() == GOOD
    assert len(stub.requests) == 2
    assert stub.requests[1].messages == MESSAGES


# -- streaming: the answer arrives in pieces --------------------------------------------------------


class Names(BaseModel):
    names: list[str]


def test_streamed_request_asks_for_usage_and_comes_back_whole(stub):
    stub.enqueue(GOOD, prompt_tokens=41, completion_tokens=13)
    usage = Usage()
    assert extract(make_llm(stub), usage).model_dump() == GOOD
    body = stub.requests[0].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert stub.requests[0].events_sent == stub.requests[0].events_total > len(pieces(json.dumps(GOOD)))
    assert usage.as_dict() == {"prompt_tokens": 41, "completion_tokens": 13, "total_tokens": 54, "requests": 1}


def test_a_looping_answer_is_cut_at_the_first_repeat_and_the_stream_closed(stub):
    looping = '{"names": ["Paris", "Lyon"' + ', "Lyon"' * 300 + "]}"
    stub.enqueue(looping, chunk_delay=0.002)
    usage = Usage()
    answer = LLM(make_backend(stub.base_url), SETTINGS).extract(
        [dict(m) for m in MESSAGES], Names, max_tokens=64, usage=usage
    )
    assert answer.names == ["Paris", "Lyon"]
    assert len(stub.requests) == 1  # the cut answer is valid JSON: no re-ask
    received = stub.requests[0]
    assert received.events_sent < received.events_total / 2  # hung up, did not read to the end
    read = len(pieces('{"names": ["Paris", "Lyon", "Lyon",'))
    assert usage.completion_tokens == read  # no usage chunk came: the pieces read are counted


def test_a_stream_dropped_midway_is_retried_as_a_transport_error(stub, sleeps):
    stub.enqueue(GOOD, drop_after=4)
    stub.enqueue(GOOD)
    assert extract(make_llm(stub)).model_dump() == GOOD
    assert len(stub.requests) == 2
    assert stub.requests[1].body == stub.requests[0].body  # the same request again, not a re-ask
    assert len(sleeps) == 1


def test_streams_that_keep_dropping_fail_saying_so(stub, sleeps):
    stub.enqueue(GOOD, drop_after=4, times=3)
    with pytest.raises(RetriesExhausted) as info:
        extract(make_llm(stub))
    assert "endpoint stopped in the middle of the answer" in str(info.value)
    assert info.value.attempts == 3 and len(stub.requests) == 3


def test_a_stalled_stream_times_out_between_pieces(stub):
    stub.enqueue(GOOD, chunk_delay=2.0, times=3)
    with pytest.raises(RetriesExhausted) as info:
        extract(make_llm(stub, timeout=0.25))
    assert "timed out" in str(info.value)
    assert len(stub.requests) == 3


def test_an_answer_longer_than_the_timeout_is_fine_while_pieces_keep_coming(stub):
    """The timeout bounds each wait for the next piece, not the whole answer: a slow
    server (a CPU writing a long answer) is not cut off while it is still writing."""
    count = len(pieces(json.dumps(GOOD)))
    stub.enqueue(GOOD, chunk_delay=0.6 / count)
    assert extract(make_llm(stub, timeout=0.3)).model_dump() == GOOD
    received = stub.requests[0]
    assert len(stub.requests) == 1 and received.events_sent == received.events_total


def test_a_server_that_ignores_stream_is_read_whole(stub):
    stub.enqueue(GOOD, streams=False, prompt_tokens=33, completion_tokens=9)
    usage = Usage()
    assert extract(make_llm(stub), usage).model_dump() == GOOD
    assert usage.as_dict() == {"prompt_tokens": 33, "completion_tokens": 9, "total_tokens": 42, "requests": 1}


@pytest.mark.parametrize(
    ("reply", "shows"),
    [
        pytest.param({"raw": ("text/html", b"<html><body>Welcome to nginx!</body></html>")}, "text/html",
                     id="html-page"),
        pytest.param({"raw": ("text/plain", b"not found")}, "not found", id="plain-text"),
        pytest.param({"body": {"message": "hello from some other API"}, "streams": False}, "other API",
                     id="json-not-a-completion"),
        pytest.param({"body": {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": []},
                      "streams": False}, "choices", id="no-choices"),
    ],
)
def test_a_reply_that_is_no_completion_blames_the_endpoint_once(stub, reply, shows):
    stub.enqueue(**reply)
    with pytest.raises(ModelError) as info:
        extract(make_llm(stub))
    message = str(info.value)
    assert "not an OpenAI chat completion" in message and "OPENAI_BASE_URL" in message
    assert shows in message
    assert "--reasks" not in message  # not the model's fault: nothing to re-ask
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    "key", [SECRET, "abcd-1234-not-shaped-like-a-key"], ids=["sk-key", "key-of-another-shape"]
)
def test_an_endpoint_echoing_the_key_never_shows_it(stub, key):
    stub.enqueue_error(400, f"bad request; you sent Authorization: Bearer {key}, i.e. key={key}")
    backend = OpenAIBackend(provider="openai", model="test-model", base_url=stub.base_url, api_key=key)
    with pytest.raises(ModelError) as info:
        extract(LLM(backend, SETTINGS))
    assert key not in str(info.value) and "key=***" in str(info.value)
    assert stub.requests[0].headers["authorization"] == f"Bearer {key}"  # it was sent, and echoed
    # nor under it: the SDK's error with the raw body is not chained for code to dig out
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert key not in "".join(traceback.format_exception(info.value))


def test_a_malformed_stream_event_blames_the_endpoint_once(stub):
    stub.enqueue(raw=("text/event-stream", b"data: {not json\n\n"))
    with pytest.raises(ModelError) as info:
        extract(make_llm(stub))
    assert "malformed stream event" in str(info.value) and "--reasks" not in str(info.value)
    assert len(stub.requests) == 1


def _events_without_finish(content: str) -> bytes:
    events = stream_events(completion(content), include_usage=False)
    return b"".join(e for e in events if b'"finish_reason": "stop"' not in e)


def test_a_stream_ending_at_done_without_finish_reason_is_kept_when_the_answer_is_whole(stub):
    stub.enqueue(raw=("text/event-stream", _events_without_finish(json.dumps(GOOD))))
    assert extract(make_llm(stub)).model_dump() == GOOD
    assert len(stub.requests) == 1


def test_a_stream_ending_without_finish_reason_midway_is_sent_again(stub, sleeps):
    stub.enqueue(raw=("text/event-stream", _events_without_finish(json.dumps(GOOD)[:12])))
    stub.enqueue(GOOD)
    assert extract(make_llm(stub)).model_dump() == GOOD
    assert len(stub.requests) == 2 and stub.requests[1].body == stub.requests[0].body


def test_an_unstreamed_reply_stalling_midway_times_out_and_is_retried(stub, sleeps):
    stub.enqueue(GOOD, streams=False, chunk_delay=2.0)
    stub.enqueue(GOOD)
    assert extract(make_llm(stub, timeout=0.25)).model_dump() == GOOD
    assert len(stub.requests) == 2 and len(sleeps) == 1


def test_llamacpp_sends_the_schema_as_json_object(stub, monkeypatch):
    from summarizer.models import create_backend, parse

    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    stub.enqueue(GOOD)
    stub.enqueue(GOOD)
    extract(LLM(create_backend(parse("llamacpp/qwen")), SETTINGS))
    extract(LLM(create_backend(parse("vllm/qwen")), SETTINGS))
    llamacpp, vllm = (r.body["response_format"] for r in stub.requests)
    assert llamacpp["type"] == "json_object" and llamacpp["schema"] == City.model_json_schema()
    assert vllm["type"] == "json_schema" and vllm["json_schema"]["schema"] == City.model_json_schema()


def test_connect_errors_name_the_endpoint_without_its_password():
    server = StubServer().start()
    port = server.port
    server.stop()
    backend = OpenAIBackend(provider="openai", model="test-model", api_key=SECRET,
                            base_url=f"http://alice:hunter2pass@127.0.0.1:{port}/v1?token=abc")
    with pytest.raises(RetriesExhausted) as info:
        extract(LLM(backend, SETTINGS))
    message = str(info.value)
    assert f"could not connect to the endpoint at http://127.0.0.1:{port}/v1" in message
    assert "hunter2pass" not in message and "token=abc" not in message


def test_connection_refused_is_retried_then_fails():
    server = StubServer().start()
    base_url = server.base_url
    server.stop()
    with pytest.raises(RetriesExhausted) as info:
        extract(LLM(make_backend(base_url), SETTINGS))
    assert info.value.attempts == 3
    assert "could not connect" in str(info.value)


@pytest.mark.parametrize(
    ("status", "message", "error_type", "must_say"),
    [
        pytest.param(401, "Incorrect API key provided", ConfigError, "OPENAI_API_KEY", id="401-key"),
        pytest.param(403, "forbidden", ConfigError, "OPENAI_API_KEY", id="403-key"),
        pytest.param(404, "The model does not exist", ConfigError, "--model", id="404-model"),
        pytest.param(400, "This model's maximum context length is 4096 tokens", UsageError, "too long",
                     id="400-context-length"),
        pytest.param(400, "Invalid value for temperature", ModelError, "Invalid value for temperature",
                     id="400-other"),
        pytest.param(422, "unprocessable", ModelError, "HTTP 422", id="422"),
    ],
)
def test_client_errors_map_to_clear_errors_without_retry(stub, sleeps, status, message, error_type, must_say):
    stub.enqueue_error(status, message, times=5)
    with pytest.raises(error_type) as info:
        extract(make_llm(stub))
    assert type(info.value) is error_type
    assert must_say in str(info.value)
    assert "openai/test-model" in str(info.value)
    assert SECRET not in str(info.value)
    assert len(stub.requests) == 1 and sleeps == []


def test_cut_off_answer(stub):
    stub.enqueue('{"city": "Par', finish_reason="length")
    with pytest.raises(RetriesExhausted) as info:
        extract(make_llm(stub), max_tokens=5)
    assert "max_tokens=5" in str(info.value)


# -- usage ---------------------------------------------------------------------------------------


def test_usage_sums_over_reasks_and_calls(stub):
    stub.enqueue("nope", prompt_tokens=100, completion_tokens=3)
    stub.enqueue(GOOD, prompt_tokens=140, completion_tokens=12)
    stub.enqueue_error(503, "busy")
    stub.enqueue(GOOD, prompt_tokens=90, completion_tokens=11)
    usage = Usage()
    llm = make_llm(stub)
    extract(llm, usage)
    extract(llm, usage)
    assert usage.as_dict() == {
        "prompt_tokens": 330, "completion_tokens": 26, "total_tokens": 356, "requests": 3,
    }


def test_missing_usage_counts_the_request_and_its_streamed_pieces(stub):
    """A server that sends no usage chunk: the request counts, its streamed pieces stand in
    for completion tokens (servers stream about a token a piece), prompt tokens are unknown."""
    answer = {
        "id": "x", "object": "chat.completion", "created": 0, "model": "test-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": json.dumps(GOOD)}}],
    }
    stub.enqueue(body=answer)
    usage = Usage()
    extract(make_llm(stub), usage)
    streamed = len(pieces(json.dumps(GOOD)))
    assert streamed > 1
    assert usage.as_dict() == {"prompt_tokens": 0, "completion_tokens": streamed, "total_tokens": streamed,
                               "requests": 1}


# -- record and replay ---------------------------------------------------------------------------


class NoNetwork:
    """A backend that must not be used during replay."""

    label = "openai/test-model"
    model = "test-model"

    def send(self, request):
        raise AssertionError("replay sent a request")

    def check_fits(self, messages, max_tokens):
        raise AssertionError("replay checked the context window")


def test_record_then_replay_without_server(stub, tmp_path):
    rec = tmp_path / "rec"
    stub.enqueue("not json", prompt_tokens=50, completion_tokens=4)  # the re-ask is recorded too
    stub.enqueue(GOOD, prompt_tokens=70, completion_tokens=8)
    recorded_usage = Usage()
    recorded = extract(make_llm(stub, recorder=Recorder(rec)), recorded_usage)
    base_url = stub.base_url
    stub.stop()

    files = sorted(rec.glob("*.json"))
    assert len(files) == 2
    assert not list(rec.glob(".rec-*")), "temporary files left behind"

    replay_usage = Usage()
    replayed = extract(LLM(NoNetwork(), SETTINGS, player=Player(rec)), replay_usage)
    assert replayed.model_dump() == recorded.model_dump() == GOOD
    assert replay_usage == recorded_usage

    # also through a real (now unreachable) endpoint: the player answers first
    again = extract(LLM(make_backend(base_url), SETTINGS, player=Player(rec)))
    assert again.model_dump() == GOOD


def test_recordings_hold_no_secrets(stub, tmp_path):
    rec = tmp_path / "rec"
    stub.enqueue(GOOD)
    extract(make_llm(stub, recorder=Recorder(rec)))
    assert stub.requests[0].headers["authorization"] == f"Bearer {SECRET}"  # it was sent...
    text = "\n".join(p.read_text(encoding="utf-8") for p in rec.iterdir())
    assert text  # ...but never written down
    assert SECRET not in text
    assert "authorization" not in text.lower()
    assert "bearer" not in text.lower()
    assert stub.base_url not in text and "127.0.0.1" not in text
    saved = json.loads(next(rec.glob("*.json")).read_text(encoding="utf-8"))
    assert set(saved) == {"key", "request", "response"}
    assert saved["key"] == request_key(stub.requests[0].body)
    assert saved["request"]["messages"] == MESSAGES


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"messages": [MESSAGES[0], {"role": "user", "content": "Rome has 2800000."}]}, id="messages"),
        pytest.param({"max_tokens": 65}, id="max-tokens"),
    ],
)
def test_replay_miss(stub, tmp_path, change):
    rec = tmp_path / "rec"
    stub.enqueue(GOOD)
    extract(make_llm(stub, recorder=Recorder(rec)))
    player_llm = LLM(NoNetwork(), SETTINGS, player=Player(rec))
    with pytest.raises(ReplayMiss) as info:
        extract(player_llm, **change)
    assert "re-record" in str(info.value)


def test_replay_miss_for_another_schema(stub, tmp_path):
    class Town(BaseModel):
        town: str

    rec = tmp_path / "rec"
    stub.enqueue(GOOD)
    extract(make_llm(stub, recorder=Recorder(rec)))
    with pytest.raises(ReplayMiss):
        LLM(NoNetwork(), SETTINGS, player=Player(rec)).extract(
            [dict(m) for m in MESSAGES], Town, max_tokens=64, usage=Usage()
        )


def test_replay_dir_must_exist(tmp_path):
    with pytest.raises(UsageError, match="--replay"):
        Player(tmp_path / "missing")
