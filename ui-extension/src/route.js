// The page's route lives in the location hash, #/networks/<vni>, so that choosing a network
// changes the address without reloading, and an address typed or set by hand selects it.

const MAX_VNI = (1 << 24) - 1;

/** The VNI named by a hash such as "#/networks/300", or null when the hash names none. */
export function parseHash(hash) {
  const h = String(hash ?? '').replace(/^#/, '');
  const m = /^\/?networks\/([0-9]{1,8})\/?$/.exec(h);
  if (!m) {
    return null;
  }
  const vni = Number(m[1]);
  return vni <= MAX_VNI ? vni : null;
}

/** The hash for a network. */
export function hashFor(vni) {
  if (!Number.isInteger(vni) || vni < 0 || vni > MAX_VNI) {
    throw new Error(`vni: expected an integer 0..${MAX_VNI}, got ${vni}`);
  }
  return `#/networks/${vni}`;
}
