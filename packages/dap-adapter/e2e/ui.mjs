// How the test works VS Code's UI. Commands go through the command palette (F1, the command's
// title, a click on its row), because titles stay across versions while keybindings and CSS
// classes do not; what the test reads it finds by accessible role and name, which VS Code
// keeps for screen readers. Where a selector is neither, its comment says why.

/** A RegExp that matches `text` literally. */
export function literal(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The command palette's text box, by its accessible name: the palette's prompt, as VS Code
 * 1.139 words it (a new wording would fail here, at the first command, and say so).
 */
function palette(page) {
  return page.getByRole('textbox', { name: 'Type the name of a command to run.' });
}

/** Runs a command by its title through the command palette, as a person would. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  await palette(page).waitFor();
  // F1 opens the palette with ">" typed; the title follows it.
  await page.keyboard.type(title);
  // The palette's row for the command: its accessible name is the title, then its keybinding
  // and "similar commands" after a comma.
  const row = page.getByRole('option', { name: new RegExp(`^${literal(title)}(,|$)`) }).first();
  await row.click();
  await row.waitFor({ state: 'detached' });
}

/** Goes to `line` of the active editor (the quick input's ":" mode, Ctrl+G's). */
export async function goToLine(page, line) {
  await page.keyboard.press('F1');
  await palette(page).waitFor();
  await page.keyboard.press('Backspace'); // the ">" of command mode
  await page.keyboard.type(`:${line}`);
  const row = page.getByRole('option', { name: new RegExp(`^Go to line ${line}\\b`) });
  await row.waitFor();
  await page.keyboard.press('Enter');
  await row.waitFor({ state: 'detached' });
  // The status bar's cursor position: "Ln 9, Col 1".
  await page.getByRole('button', { name: `Ln ${line}, Col 1` }).waitFor();
}

/**
 * Picks the row of an open quick pick whose accessible name starts with `label`. Visible rows
 * only: the Run and Debug view's configuration drop-down is a <select> whose hidden <option>s
 * carry the same names, and would be waited on to go once the quick pick has closed.
 */
export async function pick(page, label) {
  const row = page.getByRole('option', { name: new RegExp(`^${literal(label)}`) }).filter({ visible: true }).first();
  await row.click();
  await row.waitFor({ state: 'detached' });
}
