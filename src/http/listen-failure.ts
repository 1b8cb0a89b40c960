// Why the HTTP listener could not start, in the words of the config key to change (listen.port or
// listen.host), instead of Node's bare `listen EADDRINUSE`. Pure (no I/O).

/** The message for a failed listen on `host`:`port` with the system error `code` (EADDRINUSE, ...). */
export function listenFailureMessage(host: string, port: number, code: string | undefined, detail: string): string {
  switch (code) {
    case 'EADDRINUSE':
      return `listen.port: ${port} is already in use on ${host} (EADDRINUSE): another program, or another jaga, listens there; stop it or choose another port`;
    case 'EACCES':
      return `listen.port: no permission to listen on port ${port} on ${host} (EACCES): ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a port from 1024 up`;
    case 'EADDRNOTAVAIL':
      return `listen.host: cannot listen on ${host} (EADDRNOTAVAIL): it is not an address of this machine`;
    case 'EAFNOSUPPORT':
      return `listen.host: cannot listen on ${host} (EAFNOSUPPORT): this machine has no network of that address family (IPv6 disabled?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `listen.host: ${host} does not resolve to an address (${code})`;
    default:
      return `listen.host, listen.port: cannot listen on ${host} port ${port} (${code ?? 'error'}: ${detail})`;
  }
}
