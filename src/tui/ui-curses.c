/* The curses backend of ui.h: ncursesw with default colours, theme styles
 * mapped to colour pairs (256 and true colours folded to what the terminal
 * has), mouse clicks and wheel, bracketed paste, resize through
 * KEY_RESIZE. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/text.h"
#include "tui/ui.h"
#include "whittle/utf8.h"

/* The codes curses gives the start and end of a bracketed paste. */
enum { PASTE_BEGIN = KEY_MAX + 1, PASTE_END };

static attr_t el_attr[WH_NELEMENTS];
static bool use_color;
static bool raw_mode;
static bool in_paste;		/* a paste being dropped has not ended */

/* Ask the terminal to mark pastes (as readline does, whatever TERM says:
 * terminals ignore the modes they do not know), so that a pasted line
 * break is never Enter. */
static void
bracketed_paste(bool on)
{
	putp(on ? "\033[?2004h" : "\033[?2004l");
	fflush(stdout);
}

/* Whether curses can draw on the terminal as TERM describes it: one that
 * cannot move the cursor (dumb, an editor's shell buffer) would get the
 * screen as a stream of text. */
static bool
can_address(const char *term, char *why, size_t size)
{
	const char *cup = tigetstr("cup");

	if (cup != NULL && cup != (char *)-1)
		return true;
	snprintf(why, size, "TERM=%s cannot move the cursor", term);
	return false;
}

int
wh_ui_open(bool color, char *why, size_t size)
{
	const char *term = getenv("TERM");
	SCREEN *screen;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(why, size, "standard %s is not a terminal",
		    isatty(STDIN_FILENO) ? "output" : "input");
		return -1;
	}
	if (term == NULL || *term == '\0')
		term = "unknown";
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(why, size, "TERM=%s is a terminal type this system does "
		    "not know", term);
		return -1;
	}
	if (!can_address(term, why, size)) {
		endwin();
		delscreen(screen);
		return -1;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	define_key("\033[200~", PASTE_BEGIN);
	define_key("\033[201~", PASTE_END);
	bracketed_paste(true);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	use_color = color && has_colors();
	if (use_color) {
		start_color();
		use_default_colors();
	}
	return 0;
}

void
wh_ui_close(void)
{
	bracketed_paste(false);
	endwin();
}

void
wh_ui_suspend(void)
{
	def_prog_mode();
	bracketed_paste(false);
	endwin();
}

void
wh_ui_resume(void)
{
	reset_prog_mode();
	bracketed_paste(true);
	clearok(curscr, TRUE);
	refresh();
}

int
wh_ui_fd(void)
{
	return 0;
}

void
wh_ui_size(int *rows, int *cols)
{
	getmaxyx(stdscr, *rows, *cols);
}

/* The xterm-256 index nearest to an RGB colour. */
static int
rgb_to_256(int rgb)
{
	int r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
	int q[3] = { r, g, b }, c[3];

	for (int i = 0; i < 3; i++)
		c[i] = q[i] < 48 ? 0 : q[i] < 115 ? 1 : (q[i] - 35) / 40;
	if (r == g && g == b && (r % 40) != 15 && r > 8 && r < 238)
		return 232 + (r - 8) / 10;
	return 16 + 36 * c[0] + 6 * c[1] + c[2];
}

/* Fold a theme colour to what the terminal has. */
static short
fold_colour(int32_t c)
{
	if (c == WH_COLOUR_DEFAULT)
		return -1;
	if (c & WH_COLOUR_RGB)
		c = rgb_to_256(c & 0xffffff);
	if (c < COLORS)
		return (short)c;
	if (c < 16)
		return (short)(c - 8);
	return (short)(c >= 232 ? (c < 244 ? 0 : 7) : 7);
}

static attr_t
attrs_of(uint8_t a)
{
	attr_t r = A_NORMAL;

	if (a & WH_ATTR_BOLD)
		r |= A_BOLD;
	if (a & WH_ATTR_DIM)
		r |= A_DIM;
	if (a & WH_ATTR_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & WH_ATTR_REVERSE)
		r |= A_REVERSE;
	if (a & WH_ATTR_ITALIC)
		r |= A_ITALIC;
	return r;
}

void
wh_ui_theme(const struct wh_theme *t)
{
	for (int i = 0; i < WH_NELEMENTS; i++) {
		const struct wh_style *s = &t->el[i];
		el_attr[i] = attrs_of(s->attrs);
		if (use_color && i + 1 < COLOR_PAIRS) {
			init_pair((short)(i + 1), fold_colour(s->fg), fold_colour(s->bg));
			el_attr[i] |= COLOR_PAIR(i + 1);
		}
	}
	bkgdset(' ' | el_attr[WH_EL_NORMAL]);
}

void
wh_ui_raw(bool on)
{
	raw_mode = on;
	keypad(stdscr, on ? FALSE : TRUE);
}

static int
key_of(int c)
{
	switch (c) {
	case KEY_UP: return WH_KEY_UP;
	case KEY_DOWN: return WH_KEY_DOWN;
	case KEY_LEFT: return WH_KEY_LEFT;
	case KEY_RIGHT: return WH_KEY_RIGHT;
	case KEY_PPAGE: return WH_KEY_PGUP;
	case KEY_NPAGE: return WH_KEY_PGDN;
	case KEY_HOME: return WH_KEY_HOME;
	case KEY_END: return WH_KEY_END;
	case KEY_BACKSPACE: case 127: return WH_KEY_BACKSPACE;
	case KEY_DC: return WH_KEY_DELETE;
	case KEY_BTAB: return WH_KEY_BTAB;
	case KEY_F(1): return WH_KEY_F1;
	case KEY_RESIZE: return WH_KEY_RESIZE;
	case KEY_ENTER: case '\r': return '\n';
	default: return c;
	}
}

static bool
mouse_event(struct wh_ui_event *ev)
{
	MEVENT m;

	if (getmouse(&m) != OK)
		return false;
	ev->y = m.y;
	ev->x = m.x;
	if (m.bstate & BUTTON4_PRESSED)
		ev->mouse = WH_MOUSE_WHEEL_UP;
	else if (m.bstate & BUTTON5_PRESSED)
		ev->mouse = WH_MOUSE_WHEEL_DOWN;
	else if (m.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
		ev->mouse = WH_MOUSE_CLICK;
	else
		return false;
	return true;
}

/* Read the rest of a UTF-8 character whose first byte is c. */
static int
utf8_rest(int c)
{
	char b[4] = { (char)c };
	size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	uint32_t cp;

	for (size_t i = 1; i < need; i++) {
		int d = getch();
		if (d == ERR || d > 0xff)
			return 0xfffd;
		b[i] = (char)d;
	}
	wh_tui_decode(b, need, &cp);
	return (int)cp;
}

/* Drop what was pasted up to the paste's end; false when the input ends
 * first (the rest of the paste is still to come). */
static bool
drop_paste(void)
{
	int c;

	while ((c = getch()) != ERR)
		if (c == PASTE_END)
			return true;
	return false;
}

bool
wh_ui_next(struct wh_ui_event *ev)
{
	int c = getch();

	if (c == ERR)
		return false;
	memset(ev, 0, sizeof *ev);
	if (raw_mode) {
		ev->key = c == KEY_RESIZE ? WH_KEY_RESIZE : c;
		return true;
	}
	if (c == PASTE_BEGIN || in_paste) {
		in_paste = c != PASTE_END && !drop_paste();
		ev->key = WH_KEY_PASTE;
		return !in_paste;
	}
	if (c == KEY_MOUSE) {
		ev->key = WH_KEY_MOUSE;
		return mouse_event(ev) || wh_ui_next(ev);
	}
	ev->key = c >= 0x80 && c <= 0xff ? utf8_rest(c) : key_of(c);
	return true;
}

void
wh_ui_erase(void)
{
	erase();
}

/* Draw one character of s at the cursor; returns its width. */
static int
put_char(const char *s, size_t len, uint32_t cp, int room)
{
	int w = wh_tui_cpwidth(cp);

	if (w > room)
		return -1;
	if (cp < 0x20 || cp == 0x7f)
		addch(cp == '\t' ? ' ' : '?');
	else if (cp == 0xfffd && len == 1)
		addstr("\xef\xbf\xbd");
	else
		addnstr(s, (int)len);
	return w;
}

int
wh_ui_put(int y, int x, int maxw, const char *s, size_t n, enum wh_element el)
{
	int rows, cols, used = 0;
	size_t i = 0;

	getmaxyx(stdscr, rows, cols);
	if (y < 0 || y >= rows || x >= cols || maxw <= 0)
		return 0;
	if (x + maxw > cols)
		maxw = cols - x;
	attrset(el_attr[el]);
	move(y, x);
	while (i < n) {
		uint32_t cp;
		size_t len = wh_tui_decode(s + i, n - i, &cp);
		int w = put_char(s + i, len, cp, maxw - used);
		if (w < 0)
			break;
		used += w;
		i += len;
	}
	attrset(A_NORMAL);
	return used;
}

void
wh_ui_fill(int y, int x, int w, enum wh_element el)
{
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	if (y < 0 || y >= rows || x >= cols || w <= 0)
		return;
	if (x + w > cols)
		w = cols - x;
	attrset(el_attr[el]);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

void
wh_ui_cursor(int y, int x)
{
	if (y < 0) {
		curs_set(0);
		return;
	}
	curs_set(1);
	move(y, x);
}

void
wh_ui_flush(void)
{
	refresh();
}

void
wh_ui_repaint(void)
{
	clearok(curscr, TRUE);
}

void
wh_ui_keyname(int key, char *buf, size_t size)
{
	static const char *names[] = {
		"Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End",
		"BSpace", "Delete", "S-Tab", "F1", "Resize", "Mouse", "Paste"
	};

	if (key >= WH_KEY_UP && key <= WH_KEY_PASTE)
		snprintf(buf, size, "%s", names[key - WH_KEY_UP]);
	else if (key == '\n')
		snprintf(buf, size, "Enter");
	else if (key == '\t')
		snprintf(buf, size, "Tab");
	else if (key == 27)
		snprintf(buf, size, "Esc");
	else if (key == ' ')
		snprintf(buf, size, "Space");
	else if (key > 0 && key < 32)
		snprintf(buf, size, "C-%c", key + 'a' - 1);
	else {
		char u[5] = {0};
		wh_utf8_encode((uint32_t)key, u);
		snprintf(buf, size, "%s", u);
	}
}
