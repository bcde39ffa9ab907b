package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// A request body is checked the way TernantApp's ValidationPipe (class-validator with whitelist and
// forbidNonWhitelisted) checks it, so clients get the same `message` array:
//
//   - at each object level, first "property X should not exist" for every unknown key, in the
//     body's key order (JavaScript's: array-index keys first);
//   - then every declared field in declaration order, and for each field every rule of its
//     `validate` tag in tag order, one message per failing rule. The tag is the DTO's decorator
//     list in the order class-validator reports it (TypeScript applies property decorators bottom
//     up, so the decorator written last comes first);
//   - a field marked optional (omitempty, omitnil or optional; or with no tag) is skipped when
//     absent or null, as @IsOptional() does; otherwise every rule that checks a value fails on an
//     absent or null one, as class-validator's decorators do;
//   - "defined" (IsDefined; also "required" on a non-string field) is reported before the other
//     rules wherever it is written, as class-validator runs IS_DEFINED first;
//   - a present, non-null value of a field whose tag names no type rule gets its Go type's check
//     after the rules (a string must be a JSON string, an amount a number or decimal string...),
//     worded by the type;
//   - nested objects and arrays of objects are checked the same way, their messages prefixed with
//     the path ("company.name ...", "references.0.phone ..."); when a nested value has failures,
//     the field's own messages are dropped, as Nest's flattening of class-validator errors does;
//   - rules after "dive" apply to each element of an array, worded "each value in X ...".
//
// The rules and their messages are the table in validate_rules.go; server/apidoc reads the same
// tags.

// Validate checks body (a JSON object) against the `validate` tags of t (a struct type, or a
// pointer to one) and returns every failure message in class-validator's order and wording.
func Validate(body []byte, t reflect.Type) []string {
	return checkObject(body, t, "")
}

// field is one declared property of a request struct.
type field struct {
	name string
	typ  reflect.Type
	tag  string
}

// fieldsOf lists t's JSON properties in declaration order, following embedded structs.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, fieldsOf(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{name: name, typ: f.Type, tag: f.Tag.Get("validate")})
	}
	return out
}

// object is a JSON object's keys in body order and their values (the last of duplicates, at the
// first one's position, as JSON.parse keeps them).
type object struct {
	keys []string
	vals map[string]json.RawMessage
}

func parseObject(raw []byte) (object, bool) {
	o := object{vals: map[string]json.RawMessage{}}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return o, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return o, false
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return o, false
		}
		if _, dup := o.vals[k]; !dup {
			o.keys = append(o.keys, k)
		}
		o.vals[k] = v
	}
	return o, true
}

func checkObject(raw []byte, t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	obj, ok := parseObject(raw)
	if !ok {
		return []string{prefix + "request body must be a JSON object"}
	}
	fields := fieldsOf(t)
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f.name] = true
	}
	var unknown []string
	for _, k := range obj.keys {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	msgs := make([]string, 0, len(unknown))
	for _, k := range jsKeyOrder(unknown) {
		msgs = append(msgs, prefix+"property "+k+" should not exist")
	}
	for _, f := range fields {
		raw, present := obj.vals[f.name]
		msgs = append(msgs, checkField(f, value(raw, present), prefix)...)
	}
	return msgs
}

// checkField runs f's rules on v and, for nested objects, checks inside them.
func checkField(f field, v jsonValue, prefix string) []string {
	rules, each := parseRules(f.tag)
	if v.missing() && isOptional(f.tag) {
		return nil
	}
	path := prefix + f.name
	var defined, msgs []string
	typed := false
	for _, r := range rules {
		spec, ok := lookupRule(r.name)
		if !ok {
			if m, failed := fallbackRule(r, f, v); failed {
				msgs = append(msgs, path+" "+m)
			}
			continue
		}
		if spec.optional {
			continue
		}
		typed = typed || spec.typed
		first := spec.first || (r.name == "required" && baseKind(f.typ) != reflect.String)
		if spec.check(v, r.param, f.typ) {
			continue
		}
		var m string
		if spec.messageFor != nil {
			m = spec.messageFor(path, r.param, v)
		} else {
			m = spec.message(path, r.param, f.typ)
		}
		if first {
			defined = append(defined, m)
		} else {
			msgs = append(msgs, m)
		}
	}
	for _, r := range each {
		spec, ok := lookupRule(r.name)
		if !ok || spec.optional {
			continue
		}
		elem := elemType(f.typ)
		if !eachHolds(v, func(e jsonValue) bool { return spec.check(e, r.param, elem) }) {
			msgs = append(msgs, spec.message("each value in "+path, r.param, elem))
		}
	}
	children, own := checkNested(f, v, path)
	if len(children) > 0 {
		return children
	}
	msgs = append(msgs, own...)
	if !typed && !isNestedType(f.typ) && !v.missing() {
		if m, ok := typeCheck(v, f.typ, path); !ok {
			msgs = append(msgs, m)
		}
	}
	return append(defined, msgs...)
}

// checkNested validates a nested object, or each object of an array, of a struct-typed field:
// children are the failures inside it (which replace the field's own messages, as Nest's
// flattening does), own the field's own "nested property" failure when the value is neither an
// object nor an array.
func checkNested(f field, v jsonValue, path string) (children, own []string) {
	if !isNestedType(f.typ) || !v.present {
		return nil, nil
	}
	st := structType(f.typ)
	switch v.kind {
	case kindObject:
		return checkObject(v.raw, st, path+"."), nil
	case kindArray:
		for i, item := range v.items() {
			if value(item, true).kind == kindObject {
				children = append(children, checkObject(item, st, fmt.Sprintf("%s.%d.", path, i))...)
			} else {
				children = append(children, fmt.Sprintf("%s.nested property %s must be either object or array", path, f.name))
			}
		}
		return children, nil
	}
	return nil, []string{fmt.Sprintf("nested property %s must be either object or array", path)}
}

// eachHolds applies ok to every element of an array value, or to the value itself when it is not
// an array (class-validator's `each` on a non-array).
func eachHolds(v jsonValue, ok func(jsonValue) bool) bool {
	if v.kind != kindArray {
		return ok(v)
	}
	for _, item := range v.items() {
		if !ok(value(item, true)) {
			return false
		}
	}
	return true
}

// rule is one entry of a validate tag: name[=param].
type rule struct{ name, param string }

// parseRules splits a tag into the field's rules and, after "dive", the rules for each element.
func parseRules(tag string) (rules, each []rule) {
	if tag == "" {
		return nil, nil
	}
	dst := &rules
	for _, part := range strings.Split(tag, ",") {
		name, param, _ := strings.Cut(strings.TrimSpace(part), "=")
		if name == "dive" {
			dst = &each
			continue
		}
		if name != "" {
			*dst = append(*dst, rule{name, param})
		}
	}
	return rules, each
}

// isOptional reports whether the field is skipped when absent or null: marked optional, or with no
// rules at all.
func isOptional(tag string) bool {
	rules, each := parseRules(tag)
	if len(rules) == 0 && len(each) == 0 {
		return true
	}
	for _, r := range rules {
		if spec, ok := lookupRule(r.name); ok && spec.optional {
			return true
		}
	}
	return false
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

func implementsUnmarshaler(t reflect.Type) bool {
	return t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func baseKind(t reflect.Type) reflect.Kind { return deref(t).Kind() }

// elemType is the element type of a slice field (the field's own type otherwise).
func elemType(t reflect.Type) reflect.Type {
	t = deref(t)
	if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		return t.Elem()
	}
	return t
}

// structType is the struct a nested field holds (itself, or its slice's element).
func structType(t reflect.Type) reflect.Type {
	t = deref(t)
	if t.Kind() == reflect.Slice {
		t = deref(t.Elem())
	}
	return t
}

// isNestedType reports whether a field holds request objects to check field by field: a struct (or
// slice of structs) without a JSON decoding of its own.
func isNestedType(t reflect.Type) bool {
	st := structType(t)
	return st.Kind() == reflect.Struct && !implementsUnmarshaler(st)
}

// typeCheck reports whether v decodes into t, and the message for path when it does not.
func typeCheck(v jsonValue, t reflect.Type, path string) (string, bool) {
	if v.missing() {
		return path + " " + typePhrase(t), false
	}
	if err := json.Unmarshal(v.raw, reflect.New(t).Interface()); err != nil {
		bt := deref(t)
		if (bt.Kind() == reflect.Slice || bt.Kind() == reflect.Array) && v.kind == kindArray && bt.Elem().Kind() != reflect.Uint8 {
			return "each value in " + path + " " + typePhrase(bt.Elem()), false
		}
		return path + " " + typePhrase(t), false
	}
	return "", true
}
