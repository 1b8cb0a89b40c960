// Why jaga cannot listen where its config says, in the words of the config key to change (listen.port
// or listen.host), instead of Node's bare `listen EADDRINUSE`: for check-config's trial bind and for
// the listener alike. Pure (no I/O).

/** The message for a failed listen on `host`:`port` with the system error `code` (EADDRINUSE, ...). */
export function listenFailureMessage(host: string, port: number, code: string | undefined, detail: string): string {
  switch (code) {
    case 'EADDRINUSE':
      return `listen.port: ${port} is already in use on ${host} (EADDRINUSE): another program, or another jaga, listens there; stop it or choose another port`;
    case 'EACCES':
      return `listen.port: no permission to listen on port ${port} on ${host} (EACCES): ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a port from 1024 up`;
    case 'EADDRNOTAVAIL':
      return `listen.host: ${host} is not an address of this machine (EADDRNOTAVAIL)`;
    case 'EAFNOSUPPORT':
      return `listen.host: cannot listen on ${host} (EAFNOSUPPORT): this machine has no network of that address family (IPv6 disabled?)`;
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `listen.host: ${host} does not resolve to an address (${code})`;
    default:
      return `listen.host, listen.port: cannot listen on ${host} port ${port} (${code ?? 'error'}: ${detail})`;
  }
}
