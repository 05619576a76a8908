// Types of the undici files that `undici.ts` loads one by one. undici ships
// types for its package entry only, and each file below exports the class or
// API object that the entry re-exports under the same name.

declare module 'undici/lib/api/index.js' {
  import type { Dispatcher } from 'undici/types/index.js';
  const api: Pick<
    Dispatcher,
    'request' | 'stream' | 'pipeline' | 'upgrade' | 'connect'
  >;
  export default api;
}

declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici/types/index.js';
  export default Agent;
}

declare module 'undici/lib/dispatcher/dispatcher.js' {
  import { Dispatcher } from 'undici/types/index.js';
  export default Dispatcher;
}

declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import { EnvHttpProxyAgent } from 'undici/types/index.js';
  export default EnvHttpProxyAgent;
}

declare module 'undici/lib/dispatcher/proxy-agent.js' {
  import { ProxyAgent } from 'undici/types/index.js';
  export default ProxyAgent;
}
