/** Names and titles shown inside our own formatting: escaped, and Slack's formatting characters kept from formatting. */
import { literalMrkdwn } from '../../../src/slack/escape-mrkdwn';

describe('literalMrkdwn', () => {
  it('escapes control characters and turns formatting characters at word edges into look-alikes', () => {
    expect(literalMrkdwn('<!channel> & <https://evil.example|click>')).toBe(
      '&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;',
    );
    expect(literalMrkdwn('*bold* _it_ ~gone~ `code`')).toBe(
      '\u2217bold\u2217 \u02cdit\u02cd \u223cgone\u223c \u02cbcode\u02cb',
    );
  });

  it('keeps an underscore inside a name, so the name can still be searched for', () => {
    expect(literalMrkdwn('sql_prod_01')).toBe('sql_prod_01');
    expect(literalMrkdwn('_sql_prod_')).toBe('\u02cdsql_prod\u02cd');
    expect(literalMrkdwn('a_&b')).toBe('a\u02cd&amp;b');
  });
});
