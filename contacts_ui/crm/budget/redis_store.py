"""A bucket store shared by every process on every host through Redis, one Lua call per step."""

from __future__ import annotations

from typing import Any

import redis

from .bucket import BucketOp, Outcome, StoreError

__all__ = ["SCRIPT", "RedisStore"]

# The twin of bucket.apply(). It reads the clock with Redis's TIME so hosts whose clocks disagree
# still agree on the bucket, and runs atomically because Redis runs one script at a time.
# Numbers go back as strings: Redis would truncate Lua numbers to integers.
SCRIPT = """
local kind = ARGV[1]
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local reserve = tonumber(ARGV[5])
local remaining = tonumber(ARGV[6])
local new_rate = tonumber(ARGV[7])
local learned_ttl = tonumber(ARGV[8])
local hold = tonumber(ARGV[9])
local EPSILON = 1e-4

local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local s = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'learned_rate', 'learned_until')

local learned_rate, learned_until = 0, 0
local stored_rate, stored_until = tonumber(s[3]) or 0, tonumber(s[4]) or 0
if stored_rate > 0 and stored_until > now then
  rate, learned_rate, learned_until = stored_rate, stored_rate, stored_until
end
local function capacity(learned)
  if learned > 0 then return math.min(burst, math.max(1, learned)) end
  return burst
end
local cap = capacity(learned_rate)
local tokens, updated = tonumber(s[1]), tonumber(s[2])
if tokens == nil or updated == nil then tokens, updated = cap, now end
if now > updated then
  tokens = math.min(cap, tokens + (now - updated) * rate)
  updated = now
end
if kind == 'update' and new_rate > 0 then
  rate, learned_rate, learned_until = new_rate, new_rate, now + learned_ttl
  cap = capacity(learned_rate)
end
tokens = math.min(tokens, cap)

local granted, wait = 0, 0
if kind == 'take' then
  cost = math.min(cost, cap)
  local need = math.max(cost, math.min(cost + reserve, cap))
  if updated <= now and tokens + EPSILON >= need then
    tokens = tokens - cost
    granted = 1
  else
    wait = math.max(0, updated - now) + math.max(0, need - tokens) / rate
  end
elseif kind == 'update' then
  if remaining >= 0 then tokens = math.min(tokens, remaining) end
  if hold > 0 then
    tokens = 0
    updated = math.max(updated, now + hold)
  end
end
tokens = math.max(0, tokens)

if kind ~= 'peek' then
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
    'updated', string.format('%.17g', updated),
    'learned_rate', string.format('%.17g', learned_rate),
    'learned_until', string.format('%.17g', learned_until))
  -- Keep the key while it still differs from a fresh, full bucket, plus a minute of slack.
  local ttl = math.max(0, updated - now) + cap / rate + math.max(0, learned_until - now) + 60
  redis.call('PEXPIRE', KEYS[1], math.ceil(ttl * 1000))
end
return {granted, string.format('%.17g', wait), string.format('%.17g', tokens),
  string.format('%.17g', rate), string.format('%.17g', math.max(0, updated - now))}
"""


class RedisStore:
    """Keep buckets as Redis hashes named ``<prefix>:<key>``, each with a TTL.

    The script is sent once and then called by its SHA (``EVALSHA``); redis-py's ``Script``
    loads it again when a restarted or failed-over server answers ``NOSCRIPT``. Needs Redis 5
    or later, where a script that reads TIME may still write (effects replication).
    """

    def __init__(self, client: redis.Redis, *, prefix: str = "crm-budget") -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(SCRIPT)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "crm-budget", timeout: float = 0.5) -> RedisStore:
        """Connect to the Redis at ``url`` with short timeouts (a page is waiting on us)."""
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        return cls(client, prefix=prefix)

    def apply(self, key: str, op: BucketOp) -> Outcome:
        """Run ``op`` on the bucket ``key`` in one script call."""
        args: list[Any] = [
            op.kind,
            repr(float(op.rate)),
            repr(float(op.burst)),
            repr(float(op.cost)),
            repr(float(op.reserve)),
            repr(float(op.remaining)) if op.remaining is not None else "-1",
            repr(float(op.learned_rate or 0.0)),
            repr(float(op.learned_ttl)),
            repr(float(op.hold)),
        ]
        try:
            reply = self._script(keys=[f"{self._prefix}:{key}"], args=args)
        except redis.RedisError as exc:
            raise StoreError(f"The rate budget in Redis failed: {type(exc).__name__}") from exc
        granted, wait, tokens, rate, blocked_for = reply
        return Outcome(
            granted=int(granted) == 1,
            wait=float(wait),
            tokens=float(tokens),
            rate=float(rate),
            blocked_for=float(blocked_for),
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
