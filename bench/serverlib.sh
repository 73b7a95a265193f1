# serverlib.sh holds what the server benchmark scripts (servercpu.sh,
# serverab.sh, serveraof.sh) share; they source it.

# freeport prints a TCP port on 127.0.0.1 that is free now.
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# waitping PORT... returns once the server on each port answers PING.
waitping() {
	local p
	for p in "$@"; do until redis-cli -p "$p" ping >/dev/null 2>&1; do sleep 0.05; done; done
}
