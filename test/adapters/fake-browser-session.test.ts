import { createFakeBrowserSession } from "../helpers/fake-browser-session.ts";
import { describeBrowserSession } from "./browser-session-conformance.ts";

/** The tests' fake session (test/helpers/fake-browser-session.ts) behaves as real sessions do. */
describeBrowserSession("the tests' fake session", async () => {
  const origin = "http://fake.localhost:4000";
  const loginUrl = `${origin}/login`;
  const session = createFakeBrowserSession(loginUrl);
  let popups = 0;
  return {
    session,
    loginUrl,
    site: {
      origin,
      navigate: async (path) => session.navigate(`${origin}${path}`),
      setCookie: async (name, value, { httpOnly }) => session.setCookie(name, value, undefined, { httpOnly }),
      setStorage: async (area, key, value) => session.setStorage(area, origin, key, value),
      respond: async (path, status) => session.respond(`${origin}${path}`, status),
      openPopup: async (path) => session.navigate(`${origin}${path}`, `popup-${++popups}`),
    },
    teardown: async () => {},
  };
});
