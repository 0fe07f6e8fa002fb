-- Test plugin: a name with capitals and spaces
return { name = "Bad Name", version = "1", description = "x", dimensions = { "trust" },
         run = function() end }
