package lua

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	glua "github.com/yuin/gopher-lua"
)

// Library is a function library loaded by FUNCTION LOAD or RESTORE.
type Library struct {
	// Name is the library's name (the shebang's name=).
	Name string
	// Engine is the engine name, "LUA".
	Engine string
	// Code is the library's whole source, shebang included.
	Code string
	// Functions are the library's functions, by name.
	Functions []*Function
}

// Function is a function registered by a library.
type Function struct {
	// Name is the function's name (FCALL's first argument).
	Name string
	// Description is the optional description; HasDescription tells an
	// empty one from none.
	Description    string
	HasDescription bool
	// Flags are the function's flags (no-writes, allow-oom, ...).
	Flags Flags
	// Library is the library that registered the function.
	Library *Library

	fn  *glua.LFunction
	gen *vm
}

// loadCtx is the state of a library's code running in FUNCTION LOAD.
type loadCtx struct {
	start    time.Time
	timeout  time.Duration
	timedOut bool
	lib      *Library
	funcs    map[string]*Function
}

// libMeta is a library's shebang: "#!<engine> name=<name>".
type libMeta struct {
	name, engine, code string
}

func parseLibMeta(payload string) (libMeta, error) {
	var md libMeta
	if !strings.HasPrefix(payload, "#!") {
		return md, errors.New("ERR Missing library metadata")
	}
	end := strings.IndexByte(payload, '\n')
	if end < 0 {
		return md, errors.New("ERR Invalid library metadata")
	}
	parts, ok := splitArgs(payload[:end])
	if !ok || len(parts) == 0 {
		return md, errors.New("ERR Invalid library metadata")
	}
	md.engine = parts[0][2:]
	haveName := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(p[:5], "name=") {
			if haveName {
				return md, errors.New("ERR Invalid metadata value, name argument was given multiple times")
			}
			md.name, haveName = p[5:], true
			continue
		}
		return md, fmt.Errorf("ERR Invalid metadata value given: %s", p)
	}
	if !haveName {
		return md, errors.New("ERR Library name was not given")
	}
	md.code = payload[end:]
	return md, nil
}

// validName reports whether s is a valid library or function name:
// [A-Za-z0-9_]+.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

const errBadLibName = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"

// fnVMLocked returns the function interpreter, recreating it (and
// reloading every library into it) if needed. e.fmu must be held.
func (e *Engine) fnVMLocked() *vm {
	if e.fnVM != nil && !e.fnVM.broken {
		return e.fnVM
	}
	if e.fnVM != nil {
		e.closeVM(e.fnVM)
	}
	e.fnVM = e.openVM(functionVM)
	e.lmu.Lock()
	libs := make([]*Library, 0, len(e.libs))
	for _, l := range e.libs {
		libs = append(libs, l)
	}
	e.lmu.Unlock()
	for _, old := range libs {
		md, err := parseLibMeta(old.Code)
		if err != nil {
			continue
		}
		nl, err := e.build(md, old.Code)
		if err != nil {
			continue
		}
		for _, nf := range nl.Functions {
			for _, of := range old.Functions {
				if of.Name == nf.Name {
					of.fn, of.gen = nf.fn, nf.gen
				}
			}
		}
	}
	return e.fnVM
}

// build compiles a library and runs its code in the function interpreter
// to collect its functions (FUNCTION LOAD's engine->create). e.fmu must
// be held.
func (e *Engine) build(md libMeta, code string) (*Library, error) {
	if !validName(md.name) {
		return nil, errors.New(errBadLibName)
	}
	if !strings.EqualFold(md.engine, "lua") {
		return nil, fmt.Errorf("ERR Engine '%s' not found", md.engine)
	}
	proto, err := compile(md.code, chunkFunction)
	if err != nil {
		return nil, fmt.Errorf("ERR Error compiling function: %s", err.Error())
	}
	v := e.fnVMLocked()
	lib := &Library{Name: md.name, Engine: "LUA", Code: code}
	lc := &loadCtx{start: time.Now(), timeout: LoadTimeout, lib: lib, funcs: map[string]*Function{}}
	if v.ctx.Err() != nil {
		v.ctx.renew()
	}
	v.ctx.n = hookEvery
	v.load = lc
	v.setLoadEnv(true)
	L := v.L
	L.SetTop(0)
	L.Push(v.newFunction(proto))
	err = func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				v.broken = true
				err = fmt.Errorf("ERR Error registering functions: %v", p)
			}
		}()
		return L.PCall(0, 0, nil)
	}()
	v.setLoadEnv(false)
	v.load = nil
	L.SetTop(0)
	if err != nil {
		msg := err.Error()
		if lc.timedOut {
			msg = "ERR FUNCTION LOAD timeout"
		} else if ae, ok := err.(*glua.ApiError); ok {
			switch o := ae.Object.(type) {
			case *glua.LTable:
				msg, _ = luaToString(o.RawGetString("err"))
			default:
				s, _ := luaToString(o)
				msg = "ERR " + fixMessage(s)
			}
		}
		return nil, fmt.Errorf("ERR Error registering functions: %s", msg)
	}
	if len(lib.Functions) == 0 {
		return nil, errors.New("ERR No functions registered")
	}
	sort.Slice(lib.Functions, func(i, j int) bool { return lib.Functions[i].Name < lib.Functions[j].Name })
	return lib, nil
}

// LoadLibrary is FUNCTION LOAD [REPLACE]: it returns the library's name.
func (e *Engine) LoadLibrary(code string, replace bool) (string, error) {
	md, err := parseLibMeta(code)
	if err != nil {
		return "", err
	}
	if !validName(md.name) {
		return "", errors.New(errBadLibName)
	}
	if !strings.EqualFold(md.engine, "lua") {
		return "", fmt.Errorf("ERR Engine '%s' not found", md.engine)
	}
	e.fmu.Lock()
	defer e.fmu.Unlock()
	e.lmu.RLock()
	_, exists := e.libs[md.name]
	e.lmu.RUnlock()
	if exists && !replace {
		return "", fmt.Errorf("ERR Library '%s' already exists", md.name)
	}
	lib, err := e.build(md, code)
	if err != nil {
		return "", err
	}
	e.lmu.Lock()
	defer e.lmu.Unlock()
	for _, f := range lib.Functions {
		if old := e.funcs[f.Name]; old != nil && old.Library.Name != lib.Name {
			return "", fmt.Errorf("ERR Function %s already exists", f.Name)
		}
	}
	e.unlinkLocked(md.name)
	e.linkLocked(lib)
	return lib.Name, nil
}

func (e *Engine) unlinkLocked(name string) {
	if old := e.libs[name]; old != nil {
		for _, f := range old.Functions {
			delete(e.funcs, f.Name)
		}
		delete(e.libs, name)
	}
}

func (e *Engine) linkLocked(lib *Library) {
	e.libs[lib.Name] = lib
	for _, f := range lib.Functions {
		e.funcs[f.Name] = f
	}
}

// DeleteLibrary is FUNCTION DELETE.
func (e *Engine) DeleteLibrary(name string) error {
	e.lmu.Lock()
	defer e.lmu.Unlock()
	if e.libs[name] == nil {
		return errors.New("ERR Library not found")
	}
	e.unlinkLocked(name)
	return nil
}

// FlushFunctions is FUNCTION FLUSH: every library is deleted and the
// function interpreter reset.
func (e *Engine) FlushFunctions() {
	e.fmu.Lock()
	defer e.fmu.Unlock()
	e.lmu.Lock()
	e.libs = map[string]*Library{}
	e.funcs = map[string]*Function{}
	e.lmu.Unlock()
	if e.fnVM != nil {
		e.closeVM(e.fnVM)
		e.fnVM = nil
	}
}

// Libraries returns the libraries whose name matches pattern (all when
// match is nil), sorted by name.
func (e *Engine) Libraries(match func(name string) bool) []*Library {
	e.lmu.RLock()
	out := make([]*Library, 0, len(e.libs))
	for _, l := range e.libs {
		if match == nil || match(l.Name) {
			out = append(out, l)
		}
	}
	e.lmu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Counts returns the number of libraries and functions (FUNCTION STATS).
func (e *Engine) Counts() (libraries, functions int) {
	e.lmu.RLock()
	defer e.lmu.RUnlock()
	return len(e.libs), len(e.funcs)
}

// LookupFunction returns the function registered under name, or nil.
func (e *Engine) LookupFunction(name string) *Function {
	e.lmu.RLock()
	defer e.lmu.RUnlock()
	return e.funcs[name]
}

// FCall runs a function (FCALL, FCALL_RO) and writes its reply to
// req.Out. The caller provides atomicity.
func (e *Engine) FCall(f *Function, req *Request) {
	if !e.check(req, f.Flags) {
		return
	}
	e.fmu.Lock()
	defer e.fmu.Unlock()
	v := e.fnVMLocked()
	if f.gen != v {
		req.Out.Error("ERR Function not found")
		return
	}
	L := v.L
	keys := L.CreateTable(len(req.Keys), 0)
	for i, k := range req.Keys {
		keys.RawSetInt(i+1, glua.LString(k))
	}
	args := L.CreateTable(len(req.Args), 0)
	for i, a := range req.Args {
		args.RawSetInt(i+1, glua.LString(a))
	}
	e.execute(v, v.begin(req, f.Name, f.Flags, false), f.fn, []glua.LValue{keys, args}, req.Out, false)
}

// registerFunction is redis.register_function, available while a
// library's code runs in FUNCTION LOAD.
func (v *vm) registerFunction(L *glua.LState) int {
	lc := v.load
	if lc == nil {
		return raise(L, "redis.register_function can only be called on FUNCTION LOAD command")
	}
	argc := L.GetTop()
	if argc < 1 || argc > 2 {
		return raise(L, "wrong number of arguments to redis.register_function")
	}
	f := &Function{Library: lc.lib, gen: v}
	if argc == 1 {
		t, ok := L.Get(1).(*glua.LTable)
		if !ok {
			return raise(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		haveName := false
		for k, val := t.Next(glua.LNil); k != glua.LNil; k, val = t.Next(k) {
			key, ok := luaToString(k)
			if !ok {
				return raise(L, "named argument key given to redis.register_function is not a string")
			}
			switch strings.ToLower(key) {
			case "function_name":
				s, ok := luaToString(val)
				if !ok {
					return raise(L, "function_name argument given to redis.register_function must be a string")
				}
				f.Name, haveName = s, true
			case "description":
				s, ok := luaToString(val)
				if !ok {
					return raise(L, "description argument given to redis.register_function must be a string")
				}
				f.Description, f.HasDescription = s, true
			case "callback":
				fn, ok := val.(*glua.LFunction)
				if !ok {
					return raise(L, "callback argument given to redis.register_function must be a function")
				}
				f.fn = fn
			case "flags":
				ft, ok := val.(*glua.LTable)
				if !ok {
					return raise(L, "flags argument to redis.register_function must be a table representing function flags")
				}
				flags, ok := readFunctionFlags(ft)
				if !ok {
					return raise(L, "unknown flag given")
				}
				f.Flags = flags
			default:
				return raise(L, "unknown argument given to redis.register_function")
			}
		}
		if !haveName {
			return raise(L, "redis.register_function must get a function name argument")
		}
		if f.fn == nil {
			return raise(L, "redis.register_function must get a callback argument")
		}
	} else {
		s, ok := luaToString(L.Get(1))
		if !ok {
			return raise(L, "first argument to redis.register_function must be a string")
		}
		fn, ok := L.Get(2).(*glua.LFunction)
		if !ok {
			return raise(L, "second argument to redis.register_function must be a function")
		}
		f.Name, f.fn = s, fn
	}
	if !validName(f.Name) {
		// Redis 7.0-7.4 word this with "Library names".
		return raise(L, errBadLibName[len("ERR "):])
	}
	if lc.funcs[f.Name] != nil {
		return raise(L, "Function "+f.Name+" already exists")
	}
	lc.funcs[f.Name] = f
	lc.lib.Functions = append(lc.lib.Functions, f)
	return 0
}

func readFunctionFlags(t *glua.LTable) (Flags, bool) {
	var flags Flags
	for j := 1; ; j++ {
		val := t.RawGetInt(j)
		if val == glua.LNil {
			return flags, true
		}
		s, ok := luaToString(val)
		if !ok {
			return 0, false
		}
		found := false
		for _, n := range flagNames {
			if strings.EqualFold(n.name, s) {
				flags |= n.f
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
}
