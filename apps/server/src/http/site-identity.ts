/**
 * The addresses this server answers for. Requests must carry one of these Host values (a
 * DNS-rebinding page sends its own name), and cookie-authenticated writes must come from one of
 * these origins. Always: localhost, 127.0.0.1 and [::1] on the listening port; plus
 * PATCHBAY_PUBLIC_URL when set (the address people use, e.g. behind a reverse proxy).
 */
import { ConfigurationError } from '../configuration-error.ts';

export type SiteIdentity = {
  isAllowedHost(host: string | undefined): boolean;
  isAllowedOrigin(origin: string): boolean;
};

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function createSiteIdentity(options: {
  publicUrl?: URL | undefined;
  /** The port the server listens on (known after listen; tests use port 0). */
  listeningPort: () => number;
}): SiteIdentity {
  const { publicUrl } = options;
  let cachedPort = -1;
  let hosts = new Set<string>();
  let origins = new Set<string>();
  const refresh = () => {
    const port = options.listeningPort();
    if (port === cachedPort) return;
    cachedPort = port;
    hosts = new Set(LOOPBACK_NAMES.flatMap((name) => hostForms(name, port, 'http:')));
    origins = new Set(
      LOOPBACK_NAMES.map((name) => `http://${name}${port === 80 ? '' : `:${port}`}`),
    );
    if (publicUrl) {
      const publicPort = Number(publicUrl.port || (publicUrl.protocol === 'https:' ? 443 : 80));
      for (const form of hostForms(publicUrl.hostname, publicPort, publicUrl.protocol)) {
        hosts.add(form);
      }
      origins.add(publicUrl.origin);
    }
  };
  return {
    isAllowedHost(host) {
      if (!host) return false;
      refresh();
      return hosts.has(host.toLowerCase());
    },
    isAllowedOrigin(origin) {
      refresh();
      return origins.has(origin.toLowerCase());
    },
  };
}

/** "name:port", and plain "name" when the port is the scheme's default. */
function hostForms(hostname: string, port: number, protocol: string): string[] {
  const name = hostname.toLowerCase();
  const forms = [`${name}:${port}`];
  if ((protocol === 'http:' && port === 80) || (protocol === 'https:' && port === 443)) {
    forms.push(name);
  }
  return forms;
}

/** PATCHBAY_PUBLIC_URL, checked: an absolute http(s) URL without a path. */
export function parsePublicUrl(raw: string | undefined): URL | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const url = URL.parse(text);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigurationError(
      `PATCHBAY_PUBLIC_URL must be an http(s) URL such as https://patchbay.example.com, got "${text}"`,
    );
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigurationError(
      `PATCHBAY_PUBLIC_URL must not have a path, query or fragment (Patchbay is served at the root), got "${text}"`,
    );
  }
  return url;
}
