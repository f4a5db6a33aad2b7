// The permission seam: crossbar role permissions plug in here (issue 4).

/** What the router knows about a joined session. */
export interface SessionInfo {
  readonly id: number;
  readonly realm: string;
  readonly authid: string;
  readonly authrole: string;
}

export type RouterAction = 'publish' | 'subscribe' | 'call' | 'register';

/** Return false to refuse with `wamp.error.not_authorized`. Called on every such request: keep it cheap. */
export type AuthorizeHook = (session: SessionInfo, action: RouterAction, uri: string) => boolean;
