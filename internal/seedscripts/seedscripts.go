package seedscripts

// StampedeLock is the guide's cache-stampede lock: return the cached value,
// else take the lock key with SET NX EX 10 (nil: the caller recomputes).
const StampedeLock = `
local val = redis.call('GET', KEYS[1])
if val then return val end
local locked = redis.call('SET', KEYS[2], '1', 'NX', 'EX', '10')
if locked then return nil end
return redis.call('GET', KEYS[1])
`

// RateLimit is the guide's sliding-window rate limiter: KEYS[1] the
// window's sorted set; ARGV now (ms), window, limit, uid. It returns 1
// when the call is allowed, 0 when denied.
const RateLimit = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local uid = ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
return 0
end
redis.call('ZADD', key, 'NX', now, uid .. ':' .. now)
redis.call('EXPIRE', key, window)
return 1
`
