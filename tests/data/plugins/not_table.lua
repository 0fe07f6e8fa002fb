-- Test plugin: returns a number instead of a table
return 42
