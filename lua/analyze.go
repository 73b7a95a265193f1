package lua

import (
	"strings"

	glua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// Analysis is what can be told from a script's source alone about the
// commands it runs. The store uses it to decide whether the script may
// run holding only the locks of its keys instead of the whole keyspace:
// that is safe when every key the script can touch is known before it
// starts (see Closed).
type Analysis struct {
	// Closed is set when the script can run no command that Calls does
	// not list: every redis.call and redis.pcall in the source is a
	// direct call (redis.call(...), never passed around, aliased or
	// reached through _G or loadstring), and KEYS is only indexed
	// (KEYS[i]) or measured (#KEYS), never modified or passed around, so
	// that an ArgKey argument is always one of the script's KEYS (or nil,
	// which redis.call refuses).
	Closed bool
	// Calls are the script's redis.call and redis.pcall calls, in source
	// order.
	Calls []Call

	// flatEnv: the script is Closed and assigns no global variable (no
	// assignment to a name that is not a local, no "function name()"), so
	// it can never write to its environment: it may run with a plain
	// table of the globals instead of the read-only proxy, which saves a
	// metatable lookup per global access (see vm.flat).
	flatEnv bool
	// straight: the script has no loop, goto or function of its own and
	// cannot load code (loadstring, _G), so every instruction runs at most
	// once: it cannot run long between two calls into Go, and runs without
	// gopher-lua's per-instruction check (see Engine.execute).
	straight bool
}

// Call is one redis.call or redis.pcall written in a script.
type Call struct {
	// Args are the call's arguments, the command name first.
	Args []Arg
	// Open is set when the last argument may expand to any number of
	// values (a function call or "..."), so that the command may receive
	// more arguments than Args lists (or fewer: the last one may vanish).
	Open bool
}

// ArgKind says what is known about an argument of a Call.
type ArgKind uint8

// Kinds of call arguments.
const (
	// ArgUnknown is a value computed at run time.
	ArgUnknown ArgKind = iota
	// ArgLiteral is a string or number literal; Arg.Text is what the
	// command receives.
	ArgLiteral
	// ArgKey is an element of KEYS: KEYS[expr], or a local variable that
	// is only ever assigned such elements.
	ArgKey
)

// Arg is one argument of a Call.
type Arg struct {
	// Kind says what is known about the argument.
	Kind ArgKind
	// Text is the literal's text (ArgLiteral).
	Text string
}

// compileAnalyzed is compile plus the analysis of the parsed source.
func compileAnalyzed(src, chunk string) (*glua.FunctionProto, *Analysis, error) {
	stmts, err := parse.Parse(strings.NewReader(src), chunk)
	if err != nil {
		return nil, nil, errorString(parseErrorText(err, src, chunk))
	}
	proto, err := compileStmts(stmts, chunk)
	if err != nil {
		return nil, nil, err
	}
	return proto, analyze(stmts), nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

// guarded names: a script that binds them, or uses them other than in the
// forms the analysis understands, is not Closed.
var guardedNames = map[string]bool{
	"KEYS": true, "redis": true, "_G": true, "loadstring": true,
	"getfenv": true, "setfenv": true, "load": true,
}

// analyzer walks a chunk's syntax tree.
type analyzer struct {
	closed bool
	// scopes are the local variables in scope, innermost last, as
	// gopher-lua's compiler sees them; setsGlobals records an assignment
	// to any other name.
	scopes      []map[string]bool
	setsGlobals bool
	// unbounded records a loop, goto, function or way to load code.
	unbounded bool
	// keyVar[name] is false once name is bound to anything but an element
	// of KEYS (or nil); true while every binding seen was one.
	keyVar map[string]bool
	calls  []*ast.FuncCallExpr
}

func analyze(stmts []ast.Stmt) *Analysis {
	a := &analyzer{closed: true, keyVar: map[string]bool{}}
	a.block(stmts)
	out := &Analysis{Closed: a.closed, flatEnv: a.closed && !a.setsGlobals, straight: !a.unbounded}
	if !a.closed {
		return out
	}
	for _, fc := range a.calls {
		c := Call{Args: make([]Arg, len(fc.Args))}
		for i, e := range fc.Args {
			c.Args[i] = a.arg(e)
		}
		if n := len(fc.Args); n > 0 && isMulti(fc.Args[n-1]) {
			c.Open = true
			c.Args[n-1] = Arg{}
		}
		if len(c.Args) == 0 || c.Args[0].Kind != ArgLiteral {
			// The command is chosen at run time.
			return &Analysis{}
		}
		out.Calls = append(out.Calls, c)
	}
	return out
}

// isMulti reports whether e yields every value of a call or of "...".
func isMulti(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.FuncCallExpr:
		return !x.AdjustRet
	case *ast.Comma3Expr:
		return !x.AdjustRet
	}
	return false
}

// arg classifies an argument of a redis.call.
func (a *analyzer) arg(e ast.Expr) Arg {
	switch x := e.(type) {
	case *ast.StringExpr:
		return Arg{Kind: ArgLiteral, Text: x.Value}
	case *ast.NumberExpr:
		if n, ok := parseLuaNumber(x.Value); ok {
			return Arg{Kind: ArgLiteral, Text: string(appendArg(nil, n))}
		}
	case *ast.UnaryMinusOpExpr:
		if ne, ok := x.Expr.(*ast.NumberExpr); ok {
			if n, ok := parseLuaNumber(ne.Value); ok {
				return Arg{Kind: ArgLiteral, Text: string(appendArg(nil, -n))}
			}
		}
	case *ast.IdentExpr:
		// _VERSION is the one global holding a string.
		if a.keyVar[x.Value] && x.Value != "_VERSION" {
			return Arg{Kind: ArgKey}
		}
	default:
		if isKeysIndex(e) {
			return Arg{Kind: ArgKey}
		}
	}
	return Arg{}
}

// isKeysIndex reports whether e is KEYS[expr] (or KEYS.name).
func isKeysIndex(e ast.Expr) bool {
	g, ok := e.(*ast.AttrGetExpr)
	if !ok {
		return false
	}
	id, ok := g.Object.(*ast.IdentExpr)
	return ok && id.Value == "KEYS"
}

// bind records that name is bound to value (nil: no value, or a value
// unknown to the analysis when unknown is set).
func (a *analyzer) bind(name string, value ast.Expr, unknown bool) {
	if guardedNames[name] {
		a.closed = false
		return
	}
	ok := !unknown
	if value != nil {
		_, isNil := value.(*ast.NilExpr)
		ok = isNil || isKeysIndex(value)
	}
	if prev, seen := a.keyVar[name]; seen && !prev {
		return
	}
	a.keyVar[name] = ok
}

// bindList binds names to the values of exprs, as Lua adjusts a list.
func (a *analyzer) bindList(names []string, exprs []ast.Expr) {
	for i, name := range names {
		switch {
		case i < len(exprs) && (i < len(exprs)-1 || !isMulti(exprs[i])):
			a.bind(name, exprs[i], false)
		case len(exprs) > 0 && isMulti(exprs[len(exprs)-1]) && i >= len(exprs)-1:
			a.bind(name, nil, true)
		default:
			a.bind(name, nil, false) // nil
		}
	}
}

func (a *analyzer) stmts(list []ast.Stmt) {
	for _, s := range list {
		a.stmt(s)
	}
}

// block walks list in a new scope holding names.
func (a *analyzer) block(list []ast.Stmt, names ...string) {
	a.push(names...)
	a.stmts(list)
	a.pop()
}

func (a *analyzer) push(names ...string) {
	sc := map[string]bool{}
	for _, n := range names {
		sc[n] = true
	}
	a.scopes = append(a.scopes, sc)
}

func (a *analyzer) pop() { a.scopes = a.scopes[:len(a.scopes)-1] }

func (a *analyzer) declare(names ...string) {
	for _, n := range names {
		a.scopes[len(a.scopes)-1][n] = true
	}
}

// assignName records an assignment to the variable name.
func (a *analyzer) assignName(name string) {
	for i := len(a.scopes) - 1; i >= 0; i-- {
		if a.scopes[i][name] {
			return
		}
	}
	a.setsGlobals = true
}

func (a *analyzer) stmt(s ast.Stmt) {
	switch x := s.(type) {
	case *ast.AssignStmt:
		for _, l := range x.Lhs {
			switch lv := l.(type) {
			case *ast.IdentExpr:
				// bound below
			case *ast.AttrGetExpr:
				if id, ok := lv.Object.(*ast.IdentExpr); ok && guardedNames[id.Value] {
					a.closed = false
				}
				a.expr(lv.Object)
				a.expr(lv.Key)
			default:
				a.expr(l)
			}
		}
		names := make([]string, 0, len(x.Lhs))
		for _, l := range x.Lhs {
			if id, ok := l.(*ast.IdentExpr); ok {
				names = append(names, id.Value)
			} else {
				names = append(names, "") // a field: nothing to bind
			}
		}
		for i, name := range names {
			if name == "" {
				continue
			}
			a.assignName(name)
			switch {
			case i < len(x.Rhs) && (i < len(x.Rhs)-1 || !isMulti(x.Rhs[i])):
				a.bind(name, x.Rhs[i], false)
			case len(x.Rhs) > 0 && isMulti(x.Rhs[len(x.Rhs)-1]) && i >= len(x.Rhs)-1:
				a.bind(name, nil, true)
			default:
				a.bind(name, nil, false)
			}
		}
		a.exprs(x.Rhs)
	case *ast.LocalAssignStmt:
		a.bindList(x.Names, x.Exprs)
		if len(x.Names) == 1 && len(x.Exprs) == 1 {
			if _, ok := x.Exprs[0].(*ast.FunctionExpr); ok {
				// gopher-lua declares the local before compiling the
				// function (local function f), whatever the syntax.
				a.declare(x.Names[0])
				a.exprs(x.Exprs)
				return
			}
		}
		a.exprs(x.Exprs)
		a.declare(x.Names...)
	case *ast.FuncCallStmt:
		a.expr(x.Expr)
	case *ast.DoBlockStmt:
		a.block(x.Stmts)
	case *ast.WhileStmt:
		a.unbounded = true
		a.expr(x.Condition)
		a.block(x.Stmts)
	case *ast.RepeatStmt:
		a.unbounded = true
		a.push()
		a.stmts(x.Stmts)
		a.expr(x.Condition)
		a.pop()
	case *ast.IfStmt:
		a.expr(x.Condition)
		a.block(x.Then)
		a.block(x.Else)
	case *ast.NumberForStmt:
		a.unbounded = true
		a.bind(x.Name, nil, true)
		a.expr(x.Init)
		a.expr(x.Limit)
		if x.Step != nil {
			a.expr(x.Step)
		}
		a.block(x.Stmts, x.Name)
	case *ast.GenericForStmt:
		a.unbounded = true
		for _, n := range x.Names {
			a.bind(n, nil, true)
		}
		a.exprs(x.Exprs)
		a.block(x.Stmts, x.Names...)
	case *ast.FuncDefStmt:
		switch fn := x.Name.Func.(type) {
		case *ast.IdentExpr:
			a.bind(fn.Value, nil, true)
			a.assignName(fn.Value)
		case nil:
		default:
			a.funcName(fn)
		}
		if x.Name.Receiver != nil {
			a.funcName(x.Name.Receiver)
		}
		a.function(x.Func)
	case *ast.ReturnStmt:
		a.exprs(x.Exprs)
	case *ast.LabelStmt, *ast.GotoStmt:
		a.unbounded = true
	case *ast.BreakStmt:
	default:
		a.closed = false // a statement this analysis does not know
	}
}

// funcName checks the table path of "function a.b.c()" or "a:m()".
func (a *analyzer) funcName(e ast.Expr) {
	for {
		switch x := e.(type) {
		case *ast.AttrGetExpr:
			e = x.Object
			continue
		case *ast.IdentExpr:
			if guardedNames[x.Value] {
				a.closed = false
			}
		default:
			a.expr(e)
		}
		return
	}
}

func (a *analyzer) function(f *ast.FunctionExpr) {
	a.unbounded = true
	var params []string
	if f.ParList != nil {
		for _, n := range f.ParList.Names {
			a.bind(n, nil, true)
		}
		params = f.ParList.Names
	}
	a.block(f.Stmts, params...)
}

func (a *analyzer) exprs(list []ast.Expr) {
	for _, e := range list {
		a.expr(e)
	}
}

func (a *analyzer) expr(e ast.Expr) {
	switch x := e.(type) {
	case nil:
	case *ast.TrueExpr, *ast.FalseExpr, *ast.NilExpr, *ast.NumberExpr, *ast.StringExpr, *ast.Comma3Expr:
	case *ast.IdentExpr:
		if guardedNames[x.Value] {
			a.closed = false // KEYS, redis, _G ... used as a value
			if x.Value != "KEYS" && x.Value != "redis" {
				a.unbounded = true // _G, loadstring ...: code loaded at run time
			}
		}
	case *ast.AttrGetExpr:
		if id, ok := x.Object.(*ast.IdentExpr); ok {
			switch id.Value {
			case "KEYS":
				a.expr(x.Key)
				return
			case "redis":
				k, ok := x.Key.(*ast.StringExpr)
				if !ok || k.Value == "call" || k.Value == "pcall" {
					// redis[expr], or redis.call taken as a value
					a.closed = false
				}
				return
			}
		}
		a.expr(x.Object)
		a.expr(x.Key)
	case *ast.TableExpr:
		for _, f := range x.Fields {
			a.expr(f.Key)
			a.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		if x.Receiver == nil && isRedisCall(x.Func) {
			a.calls = append(a.calls, x)
		} else {
			a.expr(x.Func)
			a.expr(x.Receiver)
		}
		a.exprs(x.Args)
	case *ast.LogicalOpExpr:
		a.expr(x.Lhs)
		a.expr(x.Rhs)
	case *ast.RelationalOpExpr:
		a.expr(x.Lhs)
		a.expr(x.Rhs)
	case *ast.StringConcatOpExpr:
		a.expr(x.Lhs)
		a.expr(x.Rhs)
	case *ast.ArithmeticOpExpr:
		a.expr(x.Lhs)
		a.expr(x.Rhs)
	case *ast.UnaryMinusOpExpr:
		a.expr(x.Expr)
	case *ast.UnaryNotOpExpr:
		a.expr(x.Expr)
	case *ast.UnaryLenOpExpr:
		if id, ok := x.Expr.(*ast.IdentExpr); ok && id.Value == "KEYS" {
			return
		}
		a.expr(x.Expr)
	case *ast.FunctionExpr:
		a.function(x)
	default:
		a.closed = false // an expression this analysis does not know
	}
}

// isRedisCall reports whether e is redis.call or redis.pcall.
func isRedisCall(e ast.Expr) bool {
	g, ok := e.(*ast.AttrGetExpr)
	if !ok {
		return false
	}
	id, ok := g.Object.(*ast.IdentExpr)
	if !ok || id.Value != "redis" {
		return false
	}
	k, ok := g.Key.(*ast.StringExpr)
	return ok && (k.Value == "call" || k.Value == "pcall")
}
