-- Run once by the postgres image on an empty volume: the conversations get their own database
-- (POSTGRES_DB, the neighbourhood data, is created by the image itself).
CREATE DATABASE trackers;
