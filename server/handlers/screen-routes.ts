/**
 * The operator's content-screening routes (admin). docs/protocol.md, "Content screening".
 *
 *   GET  /v1/admin/screening         this node's word lists: names, term counts, versions
 *   POST /v1/admin/screening/reload  re-reads the lists here, then on every other node;
 *                                    400 INVALID_PAYLOAD (naming the file and line) if a
 *                                    list does not load — the lists in force stay
 */
import type { ContentScreen } from '../services/screening/content-screen.js';
import type { Route } from '../transport/http-router.js';
import { json } from '../transport/http-types.js';

export interface ScreenRouteDeps {
  screen: ContentScreen;
}

export function screenRoutes(d: ScreenRouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/admin/screening',
      access: 'admin',
      summary: "This node's content-screening word lists (name, terms, version digest, path)",
      handle: () => Promise.resolve(json(200, d.screen.status())),
    },
    {
      method: 'POST',
      path: '/v1/admin/screening/reload',
      access: 'admin',
      summary:
        'Reload the word lists from their files on this node and then on every node, without a restart',
      handle: ({ user }) => Promise.resolve(json(200, d.screen.reloadEverywhere(`admin ${user.userId}`))),
    },
  ];
}
